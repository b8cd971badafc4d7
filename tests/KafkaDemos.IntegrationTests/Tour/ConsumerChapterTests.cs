using Confluent.Kafka;
using KafkaDemos.Broker;
using KafkaDemos.Configuration;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.IntegrationTests.Infrastructure;
using KafkaDemos.Tour;

namespace KafkaDemos.IntegrationTests.Tour;

/// <summary>The tour's consumer chapter checks, run on the real strategy and on broken ones that they must catch.</summary>
public sealed class ConsumerChapterTests
{
    private const string CommittedCheck = "after the clean stop, each partition's committed offset is last processed + 1 (none where it processed nothing)";

    [Fact]
    public async Task The_sync_strategy_passes_every_check()
    {
        var outcome = await RunChapterAsync(null);

        Assert.True(outcome.Passed, string.Join("\n", outcome.Checks.Select(c => $"{c.Passed} {c.What} ({c.Detail})")));
        Assert.Equal(ConsumerChapter.Messages, outcome.Consumed);
        Assert.Equal(ConsumerChapter.Messages, outcome.Delivered);
    }

    /// <summary>A strategy that commits a partition it never processed (to its end, skipping its records): the check sees it.</summary>
    [Fact]
    public async Task A_commit_on_a_partition_the_first_run_did_not_touch_fails_the_check()
    {
        // First run: processes its records like --commit sync, then also commits every partition it did not touch at its end.
        CommitStrategy commitsUntouched = (config, options, reporter, stop) =>
            options.MaxMessages is long max ? Task.Run(() => ConsumeThenCommitUntouched(config, options.Topics[0], max, reporter)) : SyncCommitConsumer.RunAsync(config, options, reporter, stop);

        var outcome = await RunChapterAsync(commitsUntouched);

        var check = outcome.Checks.Single(c => c.What == CommittedCheck);
        Assert.False(check.Passed, check.Detail);
        Assert.False(outcome.Passed);
    }

    private static async Task<ChapterOutcome> RunChapterAsync(CommitStrategy? swapped)
    {
        var config = ConfigLoader.Load(new ConfigRequest());
        var output = new RecordedEvents();
        await using var broker = await LabBroker.AcquireAsync(config, embedded: true, output);
        var tour = new TourContext(config, broker, output, trimOutput: false, CancellationToken.None);
        return await new ConsumerChapter("sync", "Consumer_03_CommitSync", "", swapped).RunAsync(tour);
    }

    private static ConsumeOutcome ConsumeThenCommitUntouched(ConsumerConfig config, string topic, long max, Reporter reporter)
    {
        using var consumer = new ConsumerBuilder<string?, string?>(new ConsumerConfig(config.ToDictionary()) { EnableAutoCommit = false, EnablePartitionEof = true }).Build();
        consumer.Subscribe(topic);
        // Only the first partition it hears from is processed, so at least three stay untouched.
        var next = new Dictionary<int, long>();
        int? only = null;
        bool atEnd = false;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (next.Values.Sum() < max && !atEnd && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { } r) continue;
            if (r.IsPartitionEOF)
            {
                atEnd = r.Partition.Value == only;
                continue;
            }
            only ??= r.Partition.Value;
            if (r.Partition.Value != only) continue;
            reporter.Emit(new ConsumedEvent(topic, r.Partition.Value, r.Offset.Value, r.Message.Key, r.Message.Value, null));
            next[r.Partition.Value] = r.Offset.Value + 1;
        }
        var offsets = consumer.Assignment.Select(tp => new TopicPartitionOffset(tp,
            next.TryGetValue(tp.Partition.Value, out long n) ? n : consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10)).High)).ToList();
        consumer.Commit(offsets);
        consumer.Close();
        return new ConsumeOutcome("sync", null, next.Values.Sum(), 0, 0, 0, offsets.ToDictionary(o => $"{o.Topic}-{o.Partition.Value}", o => o.Offset.Value), [], TimeSpan.Zero, false, false);
    }

}
