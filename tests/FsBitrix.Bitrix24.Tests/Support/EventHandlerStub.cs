using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.WebUtilities;

namespace FsBitrix.Bitrix24.Tests.Support;

/// <summary>A loopback HTTP endpoint standing in for FsBitrix's event handler; hands each form POST to the test.</summary>
internal sealed class EventHandlerStub : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Channel<(string ContentType, Dictionary<string, string> Form)> _received = Channel.CreateUnbounded<(string, Dictionary<string, string>)>();
    private readonly Task _loop;

    public EventHandlerStub()
    {
        int port = ErrorTests.ClosedPort();
        Url = new Uri($"http://127.0.0.1:{port}/bitrix/events/");
        _listener.Prefixes.Add(Url.AbsoluteUri);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public Uri Url { get; }

    public async Task<(string ContentType, Dictionary<string, string> Form)> NextAsync() =>
        await _received.Reader.ReadAsync().AsTask().WaitAsync(Signal.Timeout);

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _ = _loop;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            string body = await reader.ReadToEndAsync();
            Dictionary<string, string> form = QueryHelpers.ParseQuery(body).ToDictionary(p => p.Key, p => p.Value.ToString());
            _received.Writer.TryWrite((context.Request.ContentType ?? string.Empty, form));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }
}
