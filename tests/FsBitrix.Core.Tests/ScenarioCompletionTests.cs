using FsBitrix.Core.Calls;
using FsBitrix.Core.Tests.Support;

namespace FsBitrix.Core.Tests;

/// <summary>Every captured call ends: one call per capture, over, finished once, and no leg left in the router.</summary>
public sealed class ScenarioCompletionTests
{
    [TestCaseSource(typeof(ScenarioFiles), nameof(ScenarioFiles.All))]
    public void Each_capture_is_one_call_that_completes(string file)
    {
        Switchboard board = Switchboard.Run(Captures.Events(file));

        Assert.That(board.Calls, Has.Count.EqualTo(1));
        CallState call = board.Calls[0];
        Assert.Multiple(() =>
        {
            Assert.That(call.IsOver, Is.True, "all legs hung up");
            Assert.That(call.Finished, Is.True);
            Assert.That(board.Commands.OfType<FinishCall>().Count(), Is.EqualTo(1));
            Assert.That(board.Commands.OfType<RegisterCall>().Count(), Is.LessThanOrEqualTo(1));
            Assert.That(board.Router.LiveLegs, Is.Zero, "router forgets hung-up legs");
            Assert.That(board.Commands.Select(c => c.CallKey), Is.All.EqualTo(call.CallKey));
        });
    }

    [TestCaseSource(typeof(ScenarioFiles), nameof(ScenarioFiles.All))]
    public void Nothing_is_sent_after_finish_except_recordings(string file)
    {
        List<CallCommand> commands = Switchboard.Run(Captures.Events(file)).Commands;
        int finish = commands.FindIndex(c => c is FinishCall);

        Assert.That(commands.Skip(finish + 1), Is.All.InstanceOf<AttachRecording>());
    }
}
