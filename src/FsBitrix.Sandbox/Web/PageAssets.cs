using Microsoft.AspNetCore.Http;

namespace FsBitrix.Sandbox.Web;

/// <summary>
/// The page's three files, embedded in the assembly: the sandbox runs from a test's bin folder or inside the
/// demo, and loads nothing from anywhere else (the CSP header says so to the browser too).
/// </summary>
internal static class PageAssets
{
    // Framed only by another sandbox page on this machine (the demo's companies side by side, /companies).
    private const string Policy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'self' http://127.0.0.1:*";

    private static readonly Dictionary<string, (byte[] Content, string Type)> Files = new(StringComparer.Ordinal)
    {
        ["index.html"] = (Load("index.html"), "text/html; charset=utf-8"),
        ["app.css"] = (Load("app.css"), "text/css; charset=utf-8"),
        ["app.js"] = (Load("app.js"), "text/javascript; charset=utf-8"),
    };

    public static Task ServeAsync(HttpContext http, string name)
    {
        (byte[] content, string type) = Files[name];
        http.Response.ContentType = type;
        // Always revalidate: a rebuilt sandbox must not show yesterday's script.
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ContentSecurityPolicy = Policy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.ContentLength = content.Length;
        return http.Response.Body.WriteAsync(content, http.RequestAborted).AsTask();
    }

    private static byte[] Load(string name)
    {
        using Stream stream = typeof(PageAssets).Assembly.GetManifestResourceStream($"FsBitrix.Sandbox.Web.{name}")
            ?? throw new InvalidOperationException($"The sandbox page file {name} is missing from the assembly.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
