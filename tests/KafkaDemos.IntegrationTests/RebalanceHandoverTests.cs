using Confluent.Kafka;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>The course's rebalance callback: a second member joins, then leaves, while a producer keeps writing.</summary>
[Collection(RebalanceTiming.Name)]
public sealed class RebalanceHandoverTests(KafkaFixture kafka)
{
    [Theory]
    [InlineData("range")]
    [InlineData("cooperative-sticky")]
    public async Task Partitions_move_between_members_and_no_record_is_processed_twice_or_skipped(string assignment)
    {
        if (assignment == "range")
            kafka.RequireRealKafka("OffsetCommit during an eager rebalance (the test double answers REBALANCE_IN_PROGRESS to the revoke-time commit)");
        string topic = await kafka.CreateTopicAsync("handover", 4);
        string group = KafkaFixture.UniqueName("g-handover");
        var sink = new RecordedEvents();
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        using var stopProducer = new CancellationTokenSource();
        var options = ConsumerKit.Options(topic) with { ProcessDelay = TimeSpan.FromMilliseconds(20) };

        // A producer running all along: record i (value i) to partition i % 4, every 20 ms.
        int produced = 0;
        var producing = Task.Run(async () =>
        {
            using var producer = new ProducerBuilder<string, string>(kafka.ProducerConfig()).Build();
            while (!stopProducer.IsCancellationRequested)
            {
                await producer.ProduceAsync(new TopicPartition(topic, produced % 4), new Message<string, string> { Key = produced.ToString(), Value = produced.ToString() });
                produced++;
                await Task.Delay(20);
            }
        });

        var a = RebalanceCommitConsumer.RunAsync(ConsumerKit.Config(kafka, group, assignment), options with { Member = "A" }, sink, stopA.Token);
        await sink.WaitUntilAsync(s => s.Assignment("A").Count == 4 && s.Of<ConsumedEvent>("A").Count >= 10, TimeSpan.FromSeconds(20), "A owns all 4 partitions and consumes");

        // B joins: two partitions move from A to B; A commits them in its revoke handler first.
        var b = RebalanceCommitConsumer.RunAsync(ConsumerKit.Config(kafka, group, assignment), options with { Member = "B" }, sink, stopB.Token);
        await sink.WaitUntilAsync(s => s.Assignment("A").Count == 2 && s.Assignment("B").Count == 2 && s.Of<ConsumedEvent>("B").Count >= 10,
            TimeSpan.FromSeconds(30), "A and B own two partitions each and B consumes");
        Assert.Empty(sink.Assignment("A").Intersect(sink.Assignment("B")));
        var events = sink.Events.OfType<ConsumerEvent>().ToList();
        int revoke = events.FindIndex(e => e is RevokedEvent { Member: "A" });
        Assert.True(revoke >= 0 && events.Skip(revoke + 1).First(e => e.Member == "A") is CommittedEvent { How: "on revoke" },
            "A's revoke was not followed by its commit:\n" + string.Join("\n", events.Where(e => e is not ConsumedEvent).Select(e => e.ToText())));

        // B leaves: Close() revokes and commits, and A takes the partitions back where B stopped.
        await stopB.CancelAsync();
        var outcomeB = await b;
        await sink.WaitUntilAsync(s => s.Assignment("A").Count == 4, TimeSpan.FromSeconds(30), "A owns all 4 partitions again");
        await stopProducer.CancelAsync();
        await producing;
        await sink.WaitUntilAsync(s => s.Of<ConsumedEvent>().Select(e => e.Value).Distinct().Count() >= produced, TimeSpan.FromSeconds(20), $"all {produced} records consumed");
        await stopA.CancelAsync();
        var outcomeA = await a;

        Assert.True(outcomeA.Succeeded && outcomeB.Succeeded, string.Join("\n", sink.Events.Where(e => e is not ConsumedEvent).Select(e => e.ToText())));
        // Across both handovers every sequence number was processed exactly once.
        var seen = sink.Of<ConsumedEvent>().Select(e => int.Parse(e.Value!)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, produced), seen);
    }
}
