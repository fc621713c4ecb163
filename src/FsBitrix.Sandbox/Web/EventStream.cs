using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using FsBitrix.Sandbox.State;
using Microsoft.AspNetCore.Http;

namespace FsBitrix.Sandbox.Web;

/// <summary>
/// <c>GET /sandbox/events/stream</c>: Server-Sent Events. Each change of the portal's state sends an
/// <c>event: state</c> with the whole <see cref="PageView"/>; a reconnecting browser (EventSource does that on
/// its own) is thus up to date with its first message. A comment line every 15 s keeps proxies from
/// closing an idle stream.
/// </summary>
internal static class EventStream
{
    internal static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    // Changes arriving in a burst (register, then show, then a batch) leave as one message.
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(30);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task ServeAsync(HttpContext http, PortalState state, SandboxOptions options, CancellationToken stopping)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";

        // One pending signal at most: whatever changed while a message was being written is in the next one.
        Channel<bool> dirty = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        void OnChanged(object? sender, SandboxChange change)
        {
            // The request log is not on the page; a benchmark's thousands of requests must not flood it.
            if (change.Kind != "request")
            {
                dirty.Writer.TryWrite(true);
            }
        }

        using var done = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        CancellationToken token = done.Token;
        state.Changed += OnChanged;
        try
        {
            await WriteAsync(http, "retry: 1000\n\n", token).ConfigureAwait(false);
            dirty.Writer.TryWrite(true);
            Task<bool>? pending = null;
            while (true)
            {
                pending ??= dirty.Reader.WaitToReadAsync(token).AsTask();
                try
                {
                    await pending.WaitAsync(Heartbeat, token).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    await WriteAsync(http, ": heartbeat\n\n", token).ConfigureAwait(false);
                    continue;
                }

                pending = null;
                await Task.Delay(Coalesce, token).ConfigureAwait(false);
                dirty.Reader.TryRead(out _);
                string view = JsonSerializer.Serialize(PageView.Of(state, options), Json);
                await WriteAsync(http, $"event: state\ndata: {view}\n\n", token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The browser went away or the portal is stopping: either way the stream simply ends.
        }
        finally
        {
            state.Changed -= OnChanged;
        }
    }

    private static async Task WriteAsync(HttpContext http, string text, CancellationToken token)
    {
        await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), token).ConfigureAwait(false);
        await http.Response.Body.FlushAsync(token).ConfigureAwait(false);
    }
}
