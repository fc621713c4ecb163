using FsBitrix.Configuration;
using FsBitrix.Core.Queues;
using FsBitrix.Hosting;
using FsBitrix.Queues;

namespace FsBitrix.Tests.Queues;

/// <summary>FsBitrix:Queues is checked at start-up, each problem a sentence naming the key.</summary>
public class QueueConfigurationTests
{
    [Test]
    public void The_service_refuses_to_start_with_broken_queues_and_says_why()
    {
        var error = Assert.ThrowsAsync<ConfigurationProblemException>(() => FsBitrixApp.CreateAsync([], o =>
        {
            o.Bitrix.WebhookUrl = "http://127.0.0.1:1/rest/1/abc/";
            o.Queues["sales"] = new QueueSettings { Agents = [], Strategy = "fastest", Fallback = "queue:nowhere" };
            o.Queues["support"] = new QueueSettings { Agents = ["user:abc", "79161234567"], RingTimeoutSeconds = 0, Fallback = "voicemail" };
        }))!;

        Assert.That(error.Problems, Has.Some.Contains("FsBitrix:Queues:sales:Agents is empty"));
        Assert.That(error.Problems, Has.Some.Contains("Strategy is 'fastest'"));
        Assert.That(error.Problems, Has.Some.Contains("queue 'nowhere', which is not configured"));
        Assert.That(error.Problems, Has.Some.Contains("'user:abc' is not user:<Bitrix24 user id>"));
        Assert.That(error.Problems, Has.Some.Contains("'79161234567' is not an extension"));
        Assert.That(error.Problems, Has.Some.Contains("RingTimeoutSeconds and MaxWaitSeconds must be more than 0"));
        Assert.That(error.Problems, Has.Some.Contains("Fallback is 'voicemail'"));
    }

    [Test]
    public void Users_become_their_extensions_and_words_become_the_planners_values()
    {
        var settings = new QueueSettings
        {
            Agents = ["1001", "user:3", "user:9"], Strategy = "round-robin", RingTimeoutSeconds = 12, MaxWaitSeconds = 60,
            WrapUpSeconds = 5, ResponsibleFirstSeconds = 0, Fallback = "queue:support",
        };

        QueueDefinition queue = QueueConfiguration.Define("sales", settings, id => id == 3 ? "1002" : null, out IReadOnlyList<string> unresolved);

        Assert.That(queue.Agents, Is.EqualTo(new[] { "1001", "1002" }));
        Assert.That(unresolved, Is.EqualTo(new[] { "user:9" }));
        Assert.That(queue.Strategy, Is.EqualTo(QueueStrategy.RoundRobin));
        Assert.That((queue.RingTimeout, queue.MaxWait, queue.WrapUp, queue.ResponsibleFirst),
            Is.EqualTo((TimeSpan.FromSeconds(12), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(5), TimeSpan.Zero)));
        Assert.That(queue.Fallback, Is.EqualTo(new QueueFallback.Queue("support")));
    }
}
