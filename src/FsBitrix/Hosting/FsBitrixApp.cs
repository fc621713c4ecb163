using FsBitrix.AppMode;
using FsBitrix.Cdr;
using FsBitrix.ClickToCall;
using FsBitrix.Configuration;
using FsBitrix.Metrics;
using FsBitrix.Queues;
using FsBitrix.Recordings;
using FsBitrix.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serilog;

namespace FsBitrix.Hosting;

/// <summary>Builds the service host: configuration, Serilog, the parts, and the HTTP endpoints.</summary>
internal static class FsBitrixApp
{
    /// <param name="configure">Last word on the options (the demo and tests point it at their own peers).</param>
    /// <exception cref="ConfigurationProblemException">The configuration cannot work; nothing was opened.</exception>
    /// <param name="services">Last word on the services (tests register a feature's own clock, <see cref="FeatureClocks"/>).</param>
    public static async Task<WebApplication> CreateAsync(string[] args, Action<FsBitrixOptions>? configure = null,
        Action<IServiceCollection>? services = null, CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddFsBitrixSources(args);

        // Which parts exist is decided from the whole shape; each part then takes its own section (OptionsComposition).
        FsBitrixOptions options = OptionsComposition.Read(builder.Configuration, configure);

        bool sinksConfigured = builder.Configuration.GetSection("Serilog:WriteTo").Exists();
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration).ReadFrom.Services(services).Enrich.FromLogContext();
            if (!sinksConfigured)
            {
                // Console unless appsettings.json names its own sinks (e.g. JSON to a file).
                logger.WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext:l}: {Message:lj}{NewLine}{Exception}");
            }
        });
        builder.WebHost.UseUrls(options.Http.Urls);
        builder.Host.UseSystemd();
        builder.Services.AddFsBitrixOptions(builder.Configuration, configure);
        builder.Services.AddFsBitrix(options);
        services?.Invoke(builder.Services);
        WebApplication app = builder.Build();
        try
        {
            // Every section's validation now, not at the host's start: nothing may be opened with a configuration that
            // cannot work (exit code 78, each problem a sentence).
            Validate(app.Services);

            // A taken port is said in one line before anything is opened (PortInUseException), not by the web host's stack trace.
            Ports.EnsureFree(options.Http.Urls, "FsBitrix:Http:Urls");
            if ((options.HasQueues || options.OwnerLookup.Enabled) && options.Esl.OutboundListen is { Length: > 0 } socket)
            {
                Ports.EnsureFree(socket, "FsBitrix:Esl:OutboundListen");
            }

            // Storage before any part is built (mapping the endpoints builds some): the parts' factories then only hand
            // it out, none blocks on I/O.
            await app.Services.GetRequiredService<ServiceStartup>().OpenAsync(app.Services, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        app.MapHealth();
        app.MapMetrics();
        app.MapStatus(app.Services.GetRequiredService<StatusSettings>());
        app.MapClickToCall(app.Services.GetRequiredService<BitrixSettings>());
        app.MapAppMode(options, app.Services.GetRequiredService<BitrixSettings>());
        app.MapRecordings();
        app.MapCdr(app.Services.GetRequiredService<CdrSettings>());

        return app;
    }

    private static void Validate(IServiceProvider services)
    {
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException e)
        {
            throw new ConfigurationProblemException([.. e.Failures.Distinct()]);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is OptionsValidationException))
        {
            throw new ConfigurationProblemException([.. e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(x => x.Failures).Distinct()]);
        }
    }
}
