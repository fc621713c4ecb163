using Microsoft.Extensions.Configuration;

namespace FsBitrix.Configuration;

/// <summary>
/// Where settings come from, in order of precedence (last wins): appsettings.json beside the program,
/// /etc/fsbitrix/appsettings.json, FSBITRIX_CONFIG (a file path), environment variables, command line.
/// </summary>
internal static class ServiceConfiguration
{
    public const string SystemFile = "/etc/fsbitrix/appsettings.json";

    public static IConfigurationBuilder AddFsBitrixSources(this IConfigurationBuilder builder, string[] args)
    {
        builder.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddJsonFile(SystemFile, optional: true);
        if (Environment.GetEnvironmentVariable("FSBITRIX_CONFIG") is { Length: > 0 } file)
        {
            builder.AddJsonFile(Path.GetFullPath(file), optional: false);
        }

        return builder.AddEnvironmentVariables().AddCommandLine(args);
    }

    public static IConfiguration Build(string[] args) => new ConfigurationBuilder().AddFsBitrixSources(args).Build();
}
