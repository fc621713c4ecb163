using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FsBitrix.Browser.Tests.Support;

/// <summary>
/// Stands in for FsBitrix's <c>POST /bitrix/events</c>: a Kestrel on 127.0.0.1:0 that answers 200 and hands
/// each posted form to the test. The demo-loop test replaces it with the real service.
/// </summary>
internal sealed class EventHandlerStub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<IReadOnlyDictionary<string, string>> _received = Channel.CreateUnbounded<IReadOnlyDictionary<string, string>>();

    private EventHandlerStub(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public static async Task<EventHandlerStub> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        WebApplication app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var stub = new EventHandlerStub(app);
        app.MapPost("/bitrix/events", async http =>
        {
            IFormCollection form = await http.Request.ReadFormAsync(http.RequestAborted);
            stub._received.Writer.TryWrite(form.ToDictionary(p => p.Key, p => p.Value.ToString(), StringComparer.Ordinal));
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        stub.Url = new Uri(address.TrimEnd('/') + "/bitrix/events");
        return stub;
    }

    /// <summary>The next form posted, or a timeout.</summary>
    public async Task<IReadOnlyDictionary<string, string>> NextAsync(TimeSpan timeout) =>
        await _received.Reader.ReadAsync().AsTask().WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
