namespace FsBitrix.Tests.Support;

/// <summary>The real FreeSWITCH captures in ../shared/fixtures/esl (read-only).</summary>
internal static class Fixtures
{
    public static byte[] Bytes(string relative) => File.ReadAllBytes(Path.Combine(FsBitrix.Testing.SharedFixtures.EslRoot, relative));
}
