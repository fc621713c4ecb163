namespace FsBitrix.Status;

/// <summary>The page's three files, embedded in the assembly and read once; nothing is loaded from elsewhere.</summary>
internal static class StatusPage
{
    /// <summary>Scripts and styles from this service only; no frames, no form posts, no other origin.</summary>
    public const string ContentSecurityPolicy = "default-src 'self'; frame-ancestors 'none'; form-action 'none'";

    public static readonly string Html = Read("status.html");

    public static readonly string Script = Read("status.js");

    public static readonly string Styles = Read("status.css");

    private static string Read(string name)
    {
        using Stream stream = typeof(StatusPage).Assembly.GetManifestResourceStream("FsBitrix.Status." + name)
            ?? throw new InvalidOperationException($"{name} of the status page is not embedded in the assembly");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
