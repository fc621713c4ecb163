using FsBitrix.Configuration;
using FsBitrix.Outbox;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Cdr;

/// <summary>The CDR import; nothing runs unless <c>Cdr:Folder</c>, <c>Cdr:ErrFolder</c> or <c>Cdr:Token</c> is set.</summary>
internal static class CdrComposition
{
    public static IServiceCollection AddCdr(this IServiceCollection services, FsBitrixOptions options)
    {
        if (!options.Cdr.Enabled)
        {
            return services;
        }

        services.AddSingleton(sp => sp.GetRequiredService<Hosting.ServiceStartup>().Storage.CdrInbox());
        services.AddSingleton<CdrImporter>();
        services.AddHostedService(sp => sp.GetRequiredService<CdrImporter>());
        return services;
    }
}
