using FsBitrix.Cdr;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Tests.Cdr;

/// <summary>The real CDRs of ../shared/fixtures/cdr, and waiting for the service's CDR importer.</summary>
internal static class CdrFixtures
{
    public static string Root => Path.Combine(FsBitrix.Testing.SharedFixtures.EslRoot, "..", "cdr");

    /// <summary>A fresh folder with the CDR files of the scenarios' <paramref name="sub"/> folder (log or err).</summary>
    /// <param name="written">The files' time as mod_xml_cdr left it; null: the copies' own.</param>
    public static string CopyLegs(string sub, DateTime? written, params string[] scenarios)
    {
        string folder = Path.Combine(Path.GetTempPath(), "fsbitrix-tests", "cdr-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        foreach (string file in scenarios.SelectMany(s => Directory.EnumerateFiles(Path.Combine(Root, s, sub))))
        {
            string copy = Path.Combine(folder, Path.GetFileName(file));
            File.Copy(file, copy);
            if (written is { } time)
            {
                File.SetLastWriteTimeUtc(copy, time);
            }
        }

        return folder;
    }

    /// <summary>Waits for the importer's looks, until <paramref name="condition"/> holds after at least <paramref name="looks"/>.</summary>
    public static async Task LookedUntilAsync(ServiceHarness h, Func<bool> condition, int looks = 1)
    {
        CdrImporter importer = h.Service!.Services.GetRequiredService<CdrImporter>();
        using var looked = new SemaphoreSlim(0);
        void Looked() => looked.Release();
        importer.Looked += Looked;
        try
        {
            using var patience = new CancellationTokenSource(ServiceHarness.Patience);
            for (int seen = 0; seen < looks || !condition(); seen++)
            {
                await looked.WaitAsync(patience.Token);
            }
        }
        finally
        {
            importer.Looked -= Looked;
        }
    }
}
