using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace FsBitrix.Sandbox.Web;

/// <summary>
/// <c>GET /companies</c>: several portals' pages side by side, each in its own frame (the demo's companies sharing one
/// FreeSWITCH): a call of one company appears only in its portal.
/// </summary>
internal static class SideBySidePage
{
    public static Task ServeAsync(HttpContext http, SandboxOptions options)
    {
        if (options.SideBySide.Count == 0)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var html = new StringBuilder("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Bitrix24 sandbox: companies side by side</title>
            <style>
              body { margin: 0; font: 14px system-ui, sans-serif; display: flex; flex-direction: column; height: 100vh; }
              header { padding: 6px 12px; background: #2fc6f6; color: #fff; }
              main { flex: 1; display: flex; }
              section { flex: 1; display: flex; flex-direction: column; border-left: 2px solid #2fc6f6; }
              h2 { margin: 0; padding: 4px 12px; font-size: 14px; background: #eef9fe; }
              iframe { flex: 1; border: 0; width: 100%; }
            </style></head><body>
            <header>Two companies on one FreeSWITCH, each with its own Bitrix24 portal: each call lands only in its company's portal.</header>
            <main>
            """);
        foreach (Uri portal in options.SideBySide)
        {
            string url = WebUtility.HtmlEncode(portal.AbsoluteUri);
            html.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"<section data-testid=\"company\"><h2><a href=\"{url}\" target=\"_blank\">{url}</a></h2><iframe src=\"{url}\" title=\"{url}\"></iframe></section>\n");
        }

        html.Append("</main></body></html>\n");
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync(html.ToString());
    }
}
