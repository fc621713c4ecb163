namespace FsBitrix.Esl.Tests.Support;

/// <summary>The real FreeSWITCH captures in ../shared/fixtures/esl (read-only, never edited).</summary>
internal static class Fixtures
{
    public static string Esl => FsBitrix.Testing.SharedFixtures.EslRoot;

    public static string Path(string relative) => System.IO.Path.Combine(Esl, relative);

    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path(relative));

    public static IEnumerable<string> AllRaw() =>
        Directory.EnumerateFiles(Esl, "*.raw", SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(Esl, f))
            .Order(StringComparer.Ordinal);
}
