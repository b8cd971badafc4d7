using KafkaDemos.Consumers;
using KafkaDemos.Core;
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
        var sink = new RecordedEvents();

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
        var sink = new RecordedEvents();

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
        var (ahead, outcome, sink, topic, group) = await WatchCommitsDuringWorkAsync(AsyncCommitConsumer.RunAsync, "async");

        Assert.True(ahead is null, $"committed offset {ahead?.Committed} while record {ahead?.Offset} was still being processed");
        Assert.Contains(sink.Of<CommittedEvent>(), c => c.How == "auto");
        Assert.Equal(WatchedRecords, outcome.Committed[$"{topic}-0"]);
        Assert.Equal(WatchedRecords, ConsumerKit.Committed(kafka, group, topic, 1)[$"{topic}-0"]);
    }

    [Theory]
    [InlineData("sync")]
    [InlineData("specified")]
    public async Task Sync_and_specified_commit_a_record_only_after_its_work_is_done(string strategy)
    {
        // One record per batch: a commit after every record, so a commit made before the work would be seen.
        var (ahead, outcome, sink, topic, group) = await WatchCommitsDuringWorkAsync(ConsumeCommand.Strategies[strategy], strategy, commitEvery: 1);

        Assert.True(ahead is null, $"committed offset {ahead?.Committed} while record {ahead?.Offset} was still being processed");
        Assert.True(sink.Of<CommittedEvent>().Count(c => c.How == strategy) >= WatchedRecords - 1, "fewer commits than records: the watch saw too little");
        Assert.Equal(WatchedRecords, outcome.Committed[$"{topic}-0"]);
        Assert.Equal(WatchedRecords, ConsumerKit.Committed(kafka, group, topic, 1)[$"{topic}-0"]);
    }

    /// <summary>The control: the same watch on the auto strategy, which commits what it has polled, sees a commit run ahead of the work.</summary>
    [Fact]
    public async Task The_same_watch_on_auto_commit_sees_an_offset_committed_before_its_record_was_processed()
    {
        var (ahead, _, _, _, _) = await WatchCommitsDuringWorkAsync(AutoCommitConsumer.RunAsync, "auto-control");

        Assert.True(ahead is not null, "auto commit never committed past the record in processing");
    }

    private const int WatchedRecords = 5;

    /// <summary>
    /// Runs a strategy with 1.5 s of work per record and reads the group's committed offset from the broker
    /// during the first 0.5 s of each record's work. Returns the first commit that covers the record being
    /// processed (committed offset past it), or null when none did.
    /// </summary>
    private async Task<((long Offset, long Committed)? Ahead, ConsumeOutcome Outcome, RecordedEvents Sink, string Topic, string Group)> WatchCommitsDuringWorkAsync(CommitStrategy strategy, string name, int commitEvery = ConsumeOptions.DefaultCommitEvery)
    {
        string topic = await kafka.CreateTopicAsync(name, 1);
        string group = KafkaFixture.UniqueName("g-" + name);
        await ConsumerKit.ProduceAsync(kafka, topic, WatchedRecords, partitions: 1);
        var sink = new RecordedEvents();
        var work = TimeSpan.FromMilliseconds(1500);
        var window = TimeSpan.FromMilliseconds(500);
        using var probe = new Confluent.Kafka.ConsumerBuilder<Confluent.Kafka.Ignore, Confluent.Kafka.Ignore>(kafka.ConsumerConfig(group)).Build();
        var partition = new Confluent.Kafka.TopicPartition(topic, 0);

        var running = strategy(ConsumerKit.Config(kafka, group), ConsumerKit.Options(topic) with { ExitAtEnd = true, ProcessDelay = work, CommitEvery = commitEvery }, sink, CancellationToken.None);
        var firstSeen = new Dictionary<long, DateTime>();
        (long, long)? ahead = null;
        while (!running.IsCompleted && ahead is null)
        {
            var consumed = sink.Of<ConsumedEvent>();
            if (consumed.Count > 0)
            {
                long current = consumed[^1].Offset;
                var seen = firstSeen.TryGetValue(current, out var at) ? at : firstSeen[current] = DateTime.UtcNow;
                long committed = probe.Committed([partition], TimeSpan.FromSeconds(5)).Single().Offset.Value;
                // Counted only if the same record was still the latest afterwards and its work had surely not ended.
                if (committed > current && sink.Of<ConsumedEvent>().Count == consumed.Count && DateTime.UtcNow - seen < window)
                    ahead = (current, committed);
            }
            await Task.Delay(20);
        }
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(60));
        return (ahead, outcome, sink, topic, group);
    }

    [Fact]
    public async Task A_record_is_processed_once_its_work_is_done_and_not_when_a_crash_cuts_the_work_short()
    {
        string topic = await kafka.CreateTopicAsync("processed", 1);
        await ConsumerKit.ProduceAsync(kafka, topic, 3, partitions: 1);
        var sink = new RecordedEvents();
        using var crash = new CancellationTokenSource();

        var running = SyncCommitConsumer.RunAsync(ConsumerKit.Config(kafka, KafkaFixture.UniqueName("g-processed")),
            ConsumerKit.Options(topic) with { ProcessDelay = TimeSpan.FromMilliseconds(300), Crash = crash.Token }, sink, CancellationToken.None);
        await sink.WaitUntilAsync(s => s.Of<ConsumedEvent>().Count == 3, TimeSpan.FromSeconds(20), "3 records consumed");
        crash.Cancel();
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        // consumed 0, processed 0, consumed 1, processed 1, consumed 2, and the crash: no processed 2.
        Assert.Equal(["consumed 0", "processed 0", "consumed 1", "processed 1", "consumed 2"], sink.Events
            .Select(e => e switch { ConsumedEvent c => $"consumed {c.Offset}", ProcessedEvent p => $"processed {p.Offset}", _ => null })
            .OfType<string>());
    }

    [Fact]
    public async Task A_crash_commits_nothing_and_the_next_member_processes_again_everything_since_the_last_commit()
    {
        string topic = await kafka.CreateTopicAsync("crash", 1);
        string group = KafkaFixture.UniqueName("g-crash");
        await ConsumerKit.ProduceAsync(kafka, topic, 5, partitions: 1);
        var sink = new RecordedEvents();
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
        var again = new RecordedEvents();
        await RebalanceCommitConsumer.RunAsync(ConsumerKit.Config(kafka, group), ConsumerKit.Options(topic) with { ExitAtEnd = true }, again, CancellationToken.None);
        // When the crashed member is expelled only after this one joined, a second rebalance can
        // refuse this member's revoke-time commit (the embedded broker refuses commits mid-rebalance)
        // and it reads from the start once more: what it must show is the start and every record.
        var offsets = again.Of<ConsumedEvent>().Select(e => e.Offset).ToList();
        Assert.Equal(0L, offsets[0]);
        Assert.Equal([0L, 1, 2, 3, 4], offsets.Distinct().Order());
        Assert.Equal(5, ConsumerKit.Committed(kafka, group, topic, 1)[$"{topic}-0"]);
    }
}
