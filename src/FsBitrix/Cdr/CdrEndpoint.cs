using System.Security.Cryptography;
using System.Text;
using FsBitrix.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Cdr;

/// <summary>
/// <c>POST /cdr?token=…</c> (<c>Cdr:Path</c>): mod_xml_cdr's post of one leg's CDR, <c>cdr=&lt;url-encoded XML&gt;</c>
/// (encode=true, FusionPBX's) or the raw XML (encode=textxml). A wrong token is 401 and does nothing; a body that is not
/// a CDR is 400 (mod_xml_cdr then keeps it in its err-log-dir); 200 only once the leg is stored.
/// </summary>
internal static class CdrEndpoint
{
    public static void MapCdr(this IEndpointRouteBuilder app, CdrSettings settings)
    {
        if (settings.Token is not { Length: > 0 } token)
        {
            return;
        }

        byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        app.MapPost(settings.Path, async (HttpContext http, CdrImporter importer) =>
        {
            string sent = http.Request.Query["token"].ToString();
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(sent)), expected))
            {
                return Results.Text("wrong token", statusCode: StatusCodes.Status401Unauthorized);
            }

            string xml = http.Request.HasFormContentType
                ? (await http.Request.ReadFormAsync(http.RequestAborted).ConfigureAwait(false))["cdr"].ToString()
                : await new StreamReader(http.Request.Body, Encoding.UTF8).ReadToEndAsync(http.RequestAborted).ConfigureAwait(false);
            string via = "POST " + http.Request.Query["uuid"];
            return importer.Receive(xml, via) ? Results.Text("ok") : Results.Text("not a CDR", statusCode: StatusCodes.Status400BadRequest);
        });
    }
}
