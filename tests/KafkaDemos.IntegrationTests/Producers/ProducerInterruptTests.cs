using KafkaDemos.Broker;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Producers;

/// <summary>Ctrl+C twice on a producer whose flush is waiting: it says what it abandons before it quits.</summary>
public sealed class ProducerInterruptTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_second_ctrl_c_during_the_flush_says_how_many_messages_were_abandoned()
    {
        kafka.RequireEmbedded("holds the broker's answers back");
        // A broker of its own: its answers are slowed down for this test only.
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 1, Port = 0 });
        broker.CreateTopic("abandon", 1);
        // Fire-and-forget prints a "sent" event per message, so the test can await the ones sent after the broker slowed down.
        await using var demo = DemoProcess.Start(["produce", "--mode", "fire-and-forget", "--topic", "abandon", "-n", "1000", "--interval", "0.05",
            "-b", broker.BootstrapServers, "-X", "message.timeout.ms=60000", "-o", "json"]);
        await demo.WaitForEventAsync(e => e.GetProperty("event").GetString() == "sent", TimeSpan.FromSeconds(30));

        // From now on the broker answers only after a minute: what is sent now awaits delivery.
        broker.Cluster.SetRoundTripTime(1, TimeSpan.FromSeconds(60));
        int sentBefore = Sent(demo);
        await demo.WaitForEventAsync(_ => Sent(demo) >= sentBefore + 3, TimeSpan.FromSeconds(30));

        demo.Interrupt();
        await demo.WaitForEventAsync(e => e.GetProperty("event").GetString() == "info" && e.GetProperty("message").GetString()!.StartsWith("Stopping: no more messages"), TimeSpan.FromSeconds(10));
        demo.Interrupt();
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(20));

        var result = demo.Result(TimeSpan.Zero);
        Assert.NotEqual(0, result.ExitCode);
        var notice = result.Stderr.Split('\n').SingleOrDefault(l => l.StartsWith("Quitting during the flush: ", StringComparison.Ordinal));
        Assert.True(notice is not null, result.ToString());
        long abandoned = long.Parse(notice["Quitting during the flush: ".Length..].Split(' ')[0]);
        Assert.InRange(abandoned, 2, 1000);
    }

    private static int Sent(DemoProcess demo) => demo.Events.Count(e => e.GetProperty("event").GetString() == "sent");
}
