using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.WebUtilities;

namespace FsBitrix.Bitrix24.Tests.Support;

/// <summary>A loopback HTTP endpoint standing in for FsBitrix's event handler; hands each form POST to the test.</summary>
internal sealed class EventHandlerStub : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Channel<(string ContentType, Dictionary<string, string> Form)> received = Channel.CreateUnbounded<(string, Dictionary<string, string>)>();
    private readonly Task loop;

    public EventHandlerStub()
    {
        int port = ErrorTests.ClosedPort();
        Url = new Uri($"http://127.0.0.1:{port}/bitrix/events/");
        listener.Prefixes.Add(Url.AbsoluteUri);
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public async Task<(string ContentType, Dictionary<string, string> Form)> NextAsync() =>
        await received.Reader.ReadAsync().AsTask().WaitAsync(Signal.Timeout);

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        _ = loop;
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            string body = await reader.ReadToEndAsync();
            Dictionary<string, string> form = QueryHelpers.ParseQuery(body).ToDictionary(p => p.Key, p => p.Value.ToString());
            received.Writer.TryWrite((context.Request.ContentType ?? string.Empty, form));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
