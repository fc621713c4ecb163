using System.Buffers;
using FsBitrix.Configuration;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FsBitrix.ClickToCall;

/// <summary>
/// <c>POST /bitrix/events</c> (<c>Bitrix:EventsPath</c>): Bitrix24's outgoing webhook. Checks come cheapest and
/// safest first — size (413), shape (400), token (401) — and nothing is done for an event that fails one. A
/// trusted event is answered 200 at once (Bitrix24 never retries, and slows down for slow handlers) and worked
/// on in the background; a repeated delivery is answered 200 and ignored.
/// </summary>
internal sealed partial class EventsEndpoint(
    EventGuard guard,
    ClickIntake intake,
    BitrixSettings bitrix,
    ClickToCallSettings settings,
    Tenants.TenantsSettings tenants,
    IServiceProvider services,
    ILogger<EventsEndpoint> logger)
{
    // Each company of FsBitrix:Tenants posts with its own token (its outgoing webhook's, or its application's from the
    // install): the token says whose event it is.
    private readonly (string Tenant, EventGuard Guard)[] _tenants =
        [.. tenants.Select(t => (t.Key, EventGuard.For(t.ToBitrixSettings(bitrix), services, t.Key)))];

    public async Task<IResult> HandleAsync(HttpContext http)
    {
        string from = http.Connection.RemoteIpAddress?.ToString() ?? "?";
        byte[]? body = await ReadAsync(http.Request, settings.MaxEventBytes, http.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            LogRefused(from, $"body larger than {settings.MaxEventBytes} bytes");
            return Results.Text("event body too large", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        if (!EventFields.TryParse(http.Request.ContentType, body, out Dictionary<string, string> fields, out string malformed))
        {
            LogRefused(from, malformed);
            return Results.Text(malformed, statusCode: StatusCodes.Status400BadRequest);
        }

        string? untrusted = guard.Refusal(fields);
        string tenant = string.Empty;
        foreach ((string key, EventGuard tenantGuard) in untrusted is null ? [] : _tenants)
        {
            if (tenantGuard.TokenConfigured && tenantGuard.Refusal(fields) is null)
            {
                (tenant, untrusted) = (key, null);
                break;
            }
        }

        if (untrusted is not null)
        {
            LogRefused(from, untrusted);
            return Results.Text("the event is not trusted", statusCode: StatusCodes.Status401Unauthorized);
        }

        if (!BitrixCallEvent.TryRead(fields, out BitrixCallEvent? e, out string invalid))
        {
            LogRefused(from, invalid);
            return Results.Text(invalid, statusCode: StatusCodes.Status400BadRequest);
        }

        e = e! with { Tenant = tenant };

        // Recorded before the 200: Bitrix24 never sends it again, so from here on the attempt must survive a restart.
        return await intake.AcceptAsync(e!, "posted", http.RequestAborted).ConfigureAwait(false)
            ? Results.Text("ok")
            : Results.Text("already handled");
    }

    /// <summary>The body, or null when it is longer than <paramref name="max"/> (chunked bodies are counted too).</summary>
    private static async Task<byte[]?> ReadAsync(HttpRequest request, int max, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max)
        {
            return null;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, 16 * 1024));
        try
        {
            int length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Min(max + 1, buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                int read = await request.Body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, max + 1) - length), cancellationToken)
                    .ConfigureAwait(false);
                if (read == 0)
                {
                    return buffer.AsSpan(0, length).ToArray();
                }

                length += read;
                if (length > max)
                {
                    return null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bitrix24 event from {From} refused: {Reason}")]
    private partial void LogRefused(string from, string reason);
}
