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

        var options = new FsBitrixOptions();
        builder.Configuration.GetSection(FsBitrixOptions.Section).Bind(options);
        configure?.Invoke(options);
        IReadOnlyList<string> problems = [.. ConfigurationProblems.Find(options), .. QueueConfiguration.Problems(options)];
        if (problems.Count > 0)
        {
            throw new ConfigurationProblemException(problems);
        }

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
        builder.Services.AddFsBitrix(options);
        services?.Invoke(builder.Services);

        // A taken port is said in one line before anything is opened (PortInUseException), not by the web host's stack trace.
        Ports.EnsureFree(options.Http.Urls, "FsBitrix:Http:Urls");
        if ((options.HasQueues || options.OwnerLookup.Enabled) && options.Esl.OutboundListen is { Length: > 0 } socket)
        {
            Ports.EnsureFree(socket, "FsBitrix:Esl:OutboundListen");
        }

        WebApplication app = builder.Build();

        // Storage before any part is built (mapping the endpoints builds some): the parts' factories then only hand
        // it out, none blocks on I/O.
        try
        {
            await app.Services.GetRequiredService<ServiceStartup>().OpenAsync(app.Services, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        app.MapHealth();
        app.MapMetrics();
        app.MapStatus(options);
        app.MapClickToCall(options);
        app.MapAppMode(options);
        app.MapRecordings();
        app.MapCdr(options);

        return app;
    }
}
