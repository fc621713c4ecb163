using FsBitrix.Core.Queues;
using FsBitrix.Esl.Events;

namespace FsBitrix.Core.Tests.Queues;

/// <summary>The words admins write in <c>FsBitrix:Queues</c>.</summary>
public sealed class QueueConfigurationTests
{
    [TestCase("ring-all", QueueStrategy.RingAll)]
    [TestCase("Sequential", QueueStrategy.Sequential)]
    [TestCase("round-robin", QueueStrategy.RoundRobin)]
    [TestCase(" longest-idle ", QueueStrategy.LongestIdle)]
    public void Strategy_names_round_trip(string name, QueueStrategy strategy)
    {
        Assert.That(QueueStrategyNames.TryParse(name, out QueueStrategy parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(strategy));
        Assert.That(QueueStrategyNames.NameOf(strategy), Is.EqualTo(name.Trim().ToLowerInvariant()));
    }

    [Test]
    public void An_unknown_strategy_is_refused()
    {
        Assert.That(QueueStrategyNames.TryParse("random", out _), Is.False);
    }

    [Test]
    public void Fallbacks_parse_from_kind_and_value()
    {
        Assert.That(QueueFallback.TryParse("queue:support", out QueueFallback? q) ? q : null, Is.EqualTo(new QueueFallback.Queue("support")));
        Assert.That(QueueFallback.TryParse("extension: 1099", out QueueFallback? x) ? x : null, Is.EqualTo(new QueueFallback.Extension("1099")));
        Assert.That(QueueFallback.TryParse("hangup:user_busy", out QueueFallback? h) ? h : null,
            Is.EqualTo(new QueueFallback.Hangup(HangupCause.USER_BUSY)));
    }

    [TestCase("voicemail")]
    [TestCase("queue:")]
    [TestCase("hangup:NOT_A_CAUSE")]
    [TestCase("hangup:17")]
    [TestCase("park:now")]
    public void Malformed_fallbacks_are_refused(string text)
    {
        Assert.That(QueueFallback.TryParse(text, out _), Is.False);
    }
}
