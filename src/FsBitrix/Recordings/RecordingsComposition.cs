using FsBitrix.Configuration;
using FsBitrix.Hosting;
using FsBitrix.Outbox;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FsBitrix.Recordings;

/// <summary>How a recording reaches Bitrix24: its bytes or a link (<c>Recordings:Mode</c>), as MP3 or WAV (<c>Recordings:Format</c>).</summary>
internal static partial class RecordingsComposition
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);

    /// <param name="options">Which parts exist (MP3 or not); the parts read their settings from <see cref="RecordingSettings"/>.</param>
    public static IServiceCollection AddRecordings(this IServiceCollection services, FsBitrixOptions options)
    {
        services.AddSingleton(sp => sp.GetRequiredService<ServiceStartup>().RecordingLinks);
        services.AddSingleton(sp => new RecordingLinks(sp.GetRequiredService<ServiceStartup>().RecordingKey, sp.GetRequiredService<TimeProvider>()));
        if (options.Recordings.WantsMp3)
        {
            services.AddSingleton(sp =>
            {
                ILogger<RecordingEncoder> logger = sp.GetRequiredService<ILogger<RecordingEncoder>>();
                RecordingSettings settings = sp.GetRequiredService<RecordingSettings>();
                string folder = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(sp.GetRequiredService<StorageSettings>().Path))!, "mp3");
                return new RecordingEncoder(ct => FindEncoderAsync(settings, logger, ct), folder,
                    sp.GetRequiredService<TimeProvider>(), settings.MaxWait, Settle,
                    settings.Mode == "url" ? settings.LinkLifetime + TimeSpan.FromDays(1) : TimeSpan.FromDays(1), logger);
            });
            services.AddHostedService(sp => sp.GetRequiredService<RecordingEncoder>());
            services.AddHostedService<RecordingEncodeStarter>();
        }

        services.AddSingleton<IRecordingSource>(sp =>
        {
            RecordingSettings settings = sp.GetRequiredService<RecordingSettings>();
            TimeProvider time = sp.GetRequiredService<TimeProvider>();
            IRecordingSource? links = settings.Mode == "url"
                ? new UrlRecordingSource(sp.GetRequiredService<IRecordingLinkStore>(), sp.GetRequiredService<RecordingLinks>(),
                    new Uri(settings.PublicUrl!.TrimEnd('/') + "/"), settings.LinkLifetime, time)
                : null;
            if (!settings.WantsMp3)
            {
                return links ?? new UploadRecordingSource(time, settings.MaxWait, Settle);
            }

            return new Mp3RecordingSource(sp.GetRequiredService<RecordingEncoder>(), links, new UploadRecordingSource(time, settings.MaxWait, Settle));
        });
        return services;
    }

    /// <summary>Looked for once, when the first recording is sent; its absence is said once.</summary>
    private static async Task<Mp3Encoder?> FindEncoderAsync(RecordingSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        (string? path, string? problem) = await Mp3Encoder.FindAsync(settings.Encoder, cancellationToken).ConfigureAwait(false);
        if (path is null)
        {
            LogNoEncoder(logger, problem!);
            return null;
        }

        LogEncoder(logger, path, settings.Mp3KbpsPerChannel, settings.ParallelEncodes);
        return new Mp3Encoder(path, settings.ParallelEncodes, settings.Mp3KbpsPerChannel, settings.EncodeTimeout);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recordings go to Bitrix24 as WAV, about 8 times the size of MP3: the MP3 encoder {Problem}")]
    private static partial void LogNoEncoder(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recordings are encoded to MP3 by {Encoder} at {Kbps} kbit/s per channel, {Parallel} at a time")]
    private static partial void LogEncoder(ILogger logger, string encoder, int kbps, int parallel);
}
