using KafkaDemos.Consumers;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>What each strategy commits, checked against the group's committed offsets.</summary>
public sealed class CommitDetailTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Specified_commits_exactly_the_offsets_it_prints_every_N_records_and_the_rest_on_shutdown()
    {
        string topic = await kafka.CreateTopicAsync("specified", 1);
        string group = KafkaFixture.UniqueName("g-specified");
        await ConsumerKit.ProduceAsync(kafka, topic, 10, partitions: 1);
        var sink = new CollectingSink();

        var outcome = await SpecifiedOffsetConsumer.RunAsync(ConsumerKit.Config(kafka, group),
            ConsumerKit.Options(topic) with { CommitEvery = 3, MaxMessages = 7 }, sink, CancellationToken.None);

        var commits = sink.Of<CommittedEvent>();
        Assert.Equal([3L, 6L, 7L], commits.SelectMany(c => c.Offsets).Select(o => o.Offset));
        Assert.Equal(["specified", "specified", "specified on shutdown"], commits.Select(c => c.How));
        Assert.Equal(7, ConsumerKit.Committed(kafka, group, topic, 1)[$"{topic}-0"]);
        Assert.Equal(7, outcome.Committed[$"{topic}-0"]);
    }

    [Fact]
    public async Task Auto_reports_background_commits_through_the_handler_and_commits_the_rest_on_close()
    {
        string topic = await kafka.CreateTopicAsync("auto", 1);
        string group = KafkaFixture.UniqueName("g-auto");
        await ConsumerKit.ProduceAsync(kafka, topic, 6, partitions: 1);
        var sink = new CollectingSink();

        // auto.commit.interval.ms=200 (ConsumerKit) and 150 ms of work per record: several ticks while consuming.
        var outcome = await AutoCommitConsumer.RunAsync(ConsumerKit.Config(kafka, group),
            ConsumerKit.Options(topic) with { ExitAtEnd = true, ProcessDelay = TimeSpan.FromMilliseconds(150) }, sink, CancellationToken.None);

        var events = sink.Events.OfType<ConsumerEvent>().ToList();
        int revoked = events.FindIndex(e => e is RevokedEvent);
        var beforeClose = events.Take(revoked).OfType<CommittedEvent>().ToList();
        Assert.NotEmpty(beforeClose);
        Assert.All(beforeClose, c => Assert.Equal("auto", c.How));
        Assert.Equal(6, outcome.Committed[$"{topic}-0"]);
        Assert.Equal(6, ConsumerKit.Committed(kafka, group, topic, 1)[$"{topic}-0"]);
    }

    [Fact]
    public async Task Async_commits_in_the_background_only_offsets_it_has_processed()
    {
        string topic = await kafka.CreateTopicAsync("async", 1);
        string group = KafkaFixture.UniqueName("g-async");
        await ConsumerKit.ProduceAsync(kafka, topic, 6, partitions: 1);
        var sink = new CollectingSink();

        var outcome = await AsyncCommitConsumer.RunAsync(ConsumerKit.Config(kafka, group),
            ConsumerKit.Options(topic) with { ExitAtEnd = true, ProcessDelay = TimeSpan.FromMilliseconds(150) }, sink, CancellationToken.None);

        // Replay the events in order: every committed offset is at most "last record printed + 1";
        // a record is printed before its work starts and stored only after it ends.
        long printedUpTo = 0;
        var background = 0;
        foreach (var e in sink.Events.OfType<ConsumerEvent>())
        {
            if (e is ConsumedEvent c) printedUpTo = c.Offset + 1;
            if (e is CommittedEvent committed)
            {
                Assert.All(committed.Offsets, o => Assert.True(o.Offset <= printedUpTo, $"committed {o.Offset} before processing it (printed up to {printedUpTo})"));
                if (committed.How == "auto") background++;
            }
        }
        Assert.True(background > 0, "no background commit was reported");
        Assert.Equal(6, outcome.Committed[$"{topic}-0"]);
        Assert.Equal(6, ConsumerKit.Committed(kafka, group, topic, 1)[$"{topic}-0"]);
    }

    [Fact]
    public async Task A_crash_commits_nothing_and_the_next_member_processes_again_everything_since_the_last_commit()
    {
        string topic = await kafka.CreateTopicAsync("crash", 1);
        string group = KafkaFixture.UniqueName("g-crash");
        await ConsumerKit.ProduceAsync(kafka, topic, 5, partitions: 1);
        var sink = new CollectingSink();
        using var crash = new CancellationTokenSource();

        // The rebalance strategy commits only when partitions are revoked; a crash revokes nothing.
        var running = RebalanceCommitConsumer.RunAsync(ConsumerKit.Config(kafka, group), ConsumerKit.Options(topic) with { Crash = crash.Token }, sink, CancellationToken.None);
        await sink.WaitUntilAsync(s => s.Of<ConsumedEvent>().Count == 5, TimeSpan.FromSeconds(20), "5 records consumed");
        crash.Cancel();
        var crashed = await running;

        Assert.True(crashed.Crashed);
        Assert.Empty(sink.Of<CommittedEvent>());
        Assert.Empty(ConsumerKit.Committed(kafka, group, topic, 1));

        // The next member waits for the group to expel the crashed one, then starts from the beginning:
        // with this strategy the duplicate bound after a crash is everything since the last revoke (here all 5).
        var again = new CollectingSink();
        await RebalanceCommitConsumer.RunAsync(ConsumerKit.Config(kafka, group), ConsumerKit.Options(topic) with { ExitAtEnd = true }, again, CancellationToken.None);
        Assert.Equal([0L, 1, 2, 3, 4], again.Of<ConsumedEvent>().Select(e => e.Offset));
        Assert.Equal(5, ConsumerKit.Committed(kafka, group, topic, 1)[$"{topic}-0"]);
    }
}
