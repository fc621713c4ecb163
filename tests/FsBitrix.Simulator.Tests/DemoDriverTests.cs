using FsBitrix.Core.Calls;
using FsBitrix.Esl.Events;
using FsBitrix.Simulator.Demo;
using FsBitrix.Simulator.Tests.Support;

namespace FsBitrix.Simulator.Tests;

[CancelAfter(20_000)]
public sealed class DemoDriverTests
{
    [Test]
    public async Task The_demo_keeps_calls_coming_until_cancelled_each_call_finished_once_with_real_recordings()
    {
        string folder = Path.Combine(Path.GetTempPath(), "fsbitrix-sim-" + Guid.NewGuid().ToString("N"));
        await using Harness h = await Harness.StartAsync(new SimulatorOptions { RecordingsPath = folder });
        (_, EventLog log) = await h.ConnectAsync();
        var driver = new DemoDriver(h.Simulator, new DemoOptions { Seed = 7, MinPause = TimeSpan.FromSeconds(1), MaxPause = TimeSpan.FromSeconds(2) });
        using var stop = new CancellationTokenSource();

        Task demo = driver.RunAsync(stop.Token);
        await log.WaitAsync(e => e.Count(x => x.EventName == "CHANNEL_DESTROY" && x["Call-Direction"] == "inbound") >= 8);
        await stop.CancelAsync();
        await demo.WaitAsync(TimeSpan.FromSeconds(10));
        List<EslEvent> events = await log.WaitForCountAsync(h.Fired);

        List<CallCommand> commands = Switchboard.Run(events);
        var calls = commands.GroupBy(x => x.CallKey).ToList();
        Assert.That(h.Simulator.Channels, Is.Empty, "the calls up when cancelled were played to their end");
        Assert.That(calls, Has.Count.GreaterThanOrEqualTo(8));
        Assert.That(calls.Select(call => call.OfType<FinishCall>().Count()), Is.All.EqualTo(1));
        Assert.That(calls.Select(call => call.First()), Is.All.TypeOf<RegisterCall>());
        string[] recordings = [.. commands.OfType<AttachRecording>().Select(a => a.FilePath)];
        Assert.That(recordings, Is.Not.Empty);
        Assert.That(recordings.Select(p => File.ReadAllBytes(p)[..4]), Is.All.EqualTo("RIFF"u8.ToArray()));
        Directory.Delete(folder, recursive: true);
    }
}
