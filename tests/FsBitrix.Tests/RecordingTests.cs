using System.Net;
using System.Net.Sockets;
using FsBitrix.Recordings;
using FsBitrix.Sandbox.State;
using FsBitrix.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace FsBitrix.Tests;

[CancelAfter(60_000)]
public class RecordingTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];

    [Test]
    public void A_signed_link_names_its_recording_until_it_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var links = new RecordingLinks(Key, time);
        string token = links.CreateToken("abc123", time.GetUtcNow().AddHours(1));

        Assert.That(links.Validate(token), Is.EqualTo("abc123"));
        time.Advance(TimeSpan.FromHours(1));
        Assert.That(links.Validate(token), Is.Null, "expired");
    }

    [TestCase("")]
    [TestCase("abc123.9999999999.")]
    [TestCase("abc123.9999999999.AAAA")]
    [TestCase("../../etc/passwd")]
    [TestCase("abc123.9999999999.%%%")]
    public void Anything_but_a_genuine_token_is_refused(string token)
    {
        var links = new RecordingLinks(Key, TimeProvider.System);

        Assert.That(links.Validate(token), Is.Null);
    }

    [Test]
    public void A_token_signed_with_another_key_or_altered_is_refused()
    {
        var links = new RecordingLinks(Key, TimeProvider.System);
        var other = new RecordingLinks([.. Key.Reverse()], TimeProvider.System);
        string token = links.CreateToken("abc123", DateTimeOffset.UtcNow.AddHours(1));

        Assert.That(other.Validate(token), Is.Null);
        Assert.That(links.Validate(token.Replace("abc123", "abc124", StringComparison.Ordinal)), Is.Null);
    }

    [Test]
    public async Task In_url_mode_Bitrix24_fetches_the_recording_through_the_signed_link_and_bad_links_get_404()
    {
        int port = FreePort();
        string publicUrl = $"http://127.0.0.1:{port}/";
        await using ServiceHarness h = await ServiceHarness.StartAsync(o =>
        {
            o.Http.Urls = publicUrl;
            o.Recordings.Mode = "url";
            o.Recordings.PublicUrl = publicUrl;
        });

        await h.PlayAsync("s1_inbound_answered.raw");
        await h.Portal.WaitForAsync(s => s.FinishedCalls.Count == 1 && s.FinishedCalls[0].Recording is not null, ServiceHarness.Patience);

        SandboxRecording recording = h.Portal.State.FinishedCalls.Single().Recording!;
        Assert.That(recording.SourceUrl, Does.StartWith(publicUrl + "recordings/"));
        Assert.That(recording.Content.Take(3), Is.EqualTo("ID3"u8.ToArray()), "the portal downloaded the recording itself, encoded to MP3");
        using var http = new HttpClient();
        HttpResponseMessage genuine = await http.GetAsync(new Uri(recording.SourceUrl!));
        HttpResponseMessage forged = await http.GetAsync(new Uri(recording.SourceUrl! + "x"));
        HttpResponseMessage traversal = await http.GetAsync(new Uri(publicUrl + "recordings/..%2F..%2Fetc%2Fpasswd"));
        Assert.That(genuine.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(genuine.Content.Headers.ContentType?.MediaType, Is.EqualTo("audio/mpeg"));
        Assert.That(forged.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(traversal.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
