using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FsBitrix.Browser.Tests.Support;
using FsBitrix.Sandbox;

namespace FsBitrix.Browser.Tests;

/// <summary>The page's endpoints over plain HTTP: what a browser relies on without being one.</summary>
public sealed class WebEndpointTests
{
    private SandboxPortal _portal = null!;
    private HttpClient _http = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _portal = await SandboxPortal.StartAsync(new SandboxOptions { RateLimit = SandboxRateLimit.None });
        _http = new HttpClient { BaseAddress = _portal.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };
    }

    [TearDown]
    public async Task StopAsync()
    {
        _http.Dispose();
        await _portal.DisposeAsync();
    }

    [TestCase("/", "text/html")]
    [TestCase("/assets/app.css", "text/css")]
    [TestCase("/assets/app.js", "text/javascript")]
    public async Task The_page_loads_nothing_from_outside(string path, string type)
    {
        using HttpResponseMessage response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        string body = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo(type));
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.StartWith("default-src 'self'"));
        Assert.That(body, Does.Not.Contain("http://").And.Not.Contain("https://").And.Not.Contain("//cdn"));
    }

    [Test]
    public async Task A_recording_is_served_in_byte_ranges()
    {
        using var rest = new PortalRest(_portal);
        byte[] wav = Wav.Tone();
        string callId = await rest.RegisterInboundAsync(2, "+79161234567");
        await rest.FinishAsync(callId, 2, 5, "200");
        await rest.AttachRecordAsync(callId, "r.wav", wav);
        long fileId = _portal.State.FindFinished(callId)!.Recording!.FileId;

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/sandbox/records/{fileId}/audio");
        request.Headers.Range = new RangeHeaderValue(10, 19);
        using HttpResponseMessage response = await _http.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.PartialContent));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("audio/wav"));
        Assert.That(response.Content.Headers.ContentRange!.ToString(), Is.EqualTo($"bytes 10-19/{wav.Length}"));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(wav[10..20]));
        Assert.That(response.Headers.AcceptRanges, Does.Contain("bytes"));
    }

    [Test]
    public async Task An_unknown_recording_is_404()
    {
        using HttpResponseMessage response = await _http.GetAsync(new Uri("/sandbox/records/1/audio", UriKind.Relative));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task The_event_stream_starts_with_the_whole_state_then_follows_changes()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sandbox/events/stream");
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/event-stream"));
        string first = await NextEventAsync(reader);
        Assert.That(first, Does.StartWith("event: state\ndata: {").And.Contain("\"domain\":\"sandbox.bitrix24.test\""));

        using var rest = new PortalRest(_portal);
        string callId = await rest.RegisterInboundAsync(2, "+79161234567");
        Assert.That(await NextEventAsync(reader), Does.Contain(callId));
    }

    [Test]
    public async Task Stopping_the_portal_ends_an_open_stream_at_once()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sandbox/events/stream");
        using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        await NextEventAsync(reader);

        // Kestrel would otherwise wait for the stream for its whole shutdown timeout.
        var stopping = System.Diagnostics.Stopwatch.StartNew();
        await _portal.DisposeAsync();

        Assert.That(stopping.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
        Assert.That(await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(5)), Is.Empty, "the stream ends");
    }

    [Test]
    public async Task Click_to_call_without_a_handler_says_so()
    {
        using var content = new StringContent("""{"userId":2,"phone":"+79161234567"}""", Encoding.UTF8, "application/json");
        using HttpResponseMessage response = await _http.PostAsync(new Uri("/sandbox/click-to-call", UriKind.Relative), content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("no event handler URL"));
        Assert.That(_portal.State.LiveCalls, Is.Empty);
    }

    [Test]
    public async Task Click_to_call_refuses_a_cross_site_form()
    {
        _portal.Options.EventHandlerUrl = new Uri("http://127.0.0.1:9/bitrix/events");
        using var form = new FormUrlEncodedContent([new("userId", "2"), new("phone", "+79161234567")]);
        using HttpResponseMessage response = await _http.PostAsync(new Uri("/sandbox/click-to-call", UriKind.Relative), form);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That(_portal.State.LiveCalls, Is.Empty);
    }

    /// <summary>Reads one SSE message (up to its blank line), skipping the retry hint and heartbeats.</summary>
    private static async Task<string> NextEventAsync(StreamReader reader)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var message = new StringBuilder();
            string? line;
            while ((line = await reader.ReadLineAsync(timeout.Token)) is { Length: > 0 })
            {
                message.Append(line).Append('\n');
            }

            if (line is null)
            {
                throw new EndOfStreamException("The event stream ended.");
            }

            if (message.ToString().StartsWith("event:", StringComparison.Ordinal))
            {
                return message.ToString();
            }
        }
    }
}
