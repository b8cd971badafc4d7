using Confluent.Kafka;
using KafkaDemos.Broker;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>
/// Commits the coordinator refuses, injected into a broker of the test's own (so no other
/// test's commits meet them): the refusal names what it tried to commit, and only a refusal
/// that loses track of progress fails the run.
/// </summary>
public sealed class CommitRefusalTests(KafkaFixture kafka)
{
    private const short OffsetCommitApiKey = 8;
    private const int Records = 5;

    private static async Task<(ConsumeOutcome Outcome, RecordedEvents Sink, long Committed)> ConsumeWithRefusedCommitsAsync(CommitStrategy strategy, params ErrorCode[] refusals)
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 1, Port = 0 });
        broker.CreateTopic("refuse", 1);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
            for (int i = 0; i < Records; i++) await producer.ProduceAsync("refuse", new Message<string, string> { Key = $"{i}", Value = $"{i}" });
        broker.Cluster.PushRequestErrors(OffsetCommitApiKey, refusals);
        var config = new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "g-refuse",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            SessionTimeoutMs = EmbeddedGroupTiming.SessionTimeoutMs,
            HeartbeatIntervalMs = EmbeddedGroupTiming.HeartbeatIntervalMs,
        };
        var sink = new RecordedEvents();

        var outcome = await strategy(config, new ConsumeOptions { Topics = ["refuse"], ExitAtEnd = true, CommitEvery = 100 }, sink, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "g-refuse" }).Build();
        long committed = reader.Committed([new TopicPartition("refuse", 0)], TimeSpan.FromSeconds(10)).Single().Offset.Value;
        return (outcome, sink, committed);
    }

    [Fact]
    public async Task A_refused_commit_names_the_offsets_it_tried_to_commit()
    {
        kafka.RequireEmbedded("injects refused commits");

        var (outcome, sink, _) = await ConsumeWithRefusedCommitsAsync(SyncCommitConsumer.RunAsync, ErrorCode.OffsetMetadataTooLarge);

        var failed = sink.Of<CommitFailedEvent>()[0];
        Assert.Equal([new PartitionOffset("refuse", 0, Records)], failed.Offsets);
        Assert.Contains("[refuse-0 {offset=5}]", failed.ToText());
        Assert.Equal(1, outcome.CommitFailures);
    }

    [Fact]
    public async Task A_commit_refused_while_the_group_rebalances_is_explained_counted_and_does_not_fail_the_run()
    {
        kafka.RequireEmbedded("injects refused commits");
        // More refusals than the commit's own retries: the commit is given up, as when a rebalance outlasts them.
        var refusals = Enumerable.Repeat(ErrorCode.RebalanceInProgress, 4).ToArray();

        var (outcome, sink, committed) = await ConsumeWithRefusedCommitsAsync(SyncCommitConsumer.RunAsync, refusals);

        var refused = sink.Of<CommitFailedEvent>()[0];
        Assert.Equal([new PartitionOffset("refuse", 0, Records)], refused.Offsets);
        Assert.Contains("the next owner resumes from the last committed offset", refused.ToText());
        Assert.True(outcome.CommitsRefusedWhileRebalancing >= 1, $"{outcome}");
        Assert.Equal(0, outcome.CommitFailures);
        Assert.True(outcome.Succeeded, string.Join("\n", sink.Events.Select(e => e.ToText())));
        Assert.Equal(1L * outcome.CommitsRefusedWhileRebalancing, (long)outcome.ToSummary().Extension!["commits_refused_while_rebalancing"]!);
        // Nothing lost: the shutdown commit, after the rebalance, recorded everything processed.
        Assert.Equal(Records, committed);
    }

    [Fact]
    public async Task A_commit_retried_through_a_rebalance_says_so_once_in_its_commit_line()
    {
        kafka.RequireEmbedded("injects refused commits");
        // Fewer refusals than the commit's retries: it goes through on the third try.
        var refusals = Enumerable.Repeat(ErrorCode.RebalanceInProgress, 2).ToArray();

        var (outcome, sink, committed) = await ConsumeWithRefusedCommitsAsync(SyncCommitConsumer.RunAsync, refusals);

        Assert.Empty(sink.Of<CommitFailedEvent>());
        Assert.DoesNotContain(sink.Of<WarningEvent>(), w => w.Message.Contains("refused", StringComparison.Ordinal));
        Assert.Contains(sink.Of<CommittedEvent>(), c => c.How.Contains("after 2 refusal(s) while the group rebalanced", StringComparison.Ordinal));
        Assert.Equal(2L, (long)outcome.ToSummary().Extension!["commit_retries"]!);
        Assert.Equal(Records, committed);
    }

    [Fact]
    public async Task Negative_control_a_commit_refused_for_another_reason_fails_the_run()
    {
        kafka.RequireEmbedded("injects refused commits");
        var refusals = Enumerable.Repeat(ErrorCode.OffsetMetadataTooLarge, 2).ToArray();

        var (outcome, sink, _) = await ConsumeWithRefusedCommitsAsync(SyncCommitConsumer.RunAsync, refusals);

        Assert.True(outcome.CommitFailures >= 1, $"{outcome}");
        Assert.Equal(0, outcome.CommitsRefusedWhileRebalancing);
        Assert.False(outcome.Succeeded);
        Assert.All(sink.Of<CommitFailedEvent>(), e => Assert.Null(e.Note));
    }
}
