using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Admin;
using KafkaDemos.Consumers;
using KafkaDemos.Producers;

using KafkaDemos.Labs;
using KafkaDemos.Core;

namespace KafkaDemos.Tour;

/// <summary>
/// The rebalance callback, live: consumer A owns all four partitions and is busy with a batch;
/// consumer B joins the group; A commits what it processed in its partitions-revoked handler
/// (the course's commit_on_revoke) and the partitions move, two each. Checked by the numbers
/// both processed: across the handover no message is processed twice and none is skipped.
/// cooperative-sticky is used so only the moving partitions are revoked (and because the
/// embedded broker refuses commits during an eager rebalance, which Apache Kafka accepts).
/// </summary>
public sealed class RebalanceChapter : ITourChapter
{
    public const int Messages = 60;
    private const int Partitions = 4;
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(45);

    public string Name => "rebalance";

    public string Title => "Consumer group rebalance: commit on revoke (Consumer_07, rebalance callback)";

    public string Course =>
        "If you know your consumer is about to lose ownership of a partition, you will want to commit offsets of the last event you've processed.";

    public async Task<ChapterOutcome> RunAsync(TourContext tour)
    {
        var clock = Stopwatch.StartNew();
        string topic = await tour.NewTopicAsync("tour.rebalance", Partitions);
        // One record per batch: a fetch returns one batch per partition, so the consumer gets the
        // partitions interleaved and is mid-way through all four when B joins.
        var fill = tour.ProducerConfig();
        fill.LingerMs = 0;
        fill.BatchNumMessages = 1;
        var produced = await ProducerDemos.Modes["async"](fill,
            new ProduceOptions { Topic = topic, Count = Messages }, Reporter.Silent(), tour.Cancellation);
        tour.Output.Emit(new InfoEvent($"Produced {produced.Delivered} numbered messages to {topic} (4 partitions)."));

        string group = $"tour-rebalance-{Guid.NewGuid().ToString("N")[..8]}";
        var config = tour.ConsumerConfig(group);
        config.Set("partition.assignment.strategy", "cooperative-sticky");
        var recorder = new TourRecorder();
        var live = tour.LiveOutput(lines: 12, recorder);
        using var stopA = CancellationTokenSource.CreateLinkedTokenSource(tour.Cancellation);
        using var stopB = CancellationTokenSource.CreateLinkedTokenSource(tour.Cancellation);
        // Simulated work per record, so B joins while A is mid-batch, as in the course's story.
        var options = new ConsumeOptions { Topics = [topic], ProcessDelay = TimeSpan.FromMilliseconds(150) };
        var run = ConsumeCommand.Strategies[RebalanceCommitConsumer.Name];

        tour.Output.Emit(new InfoEvent("Consumer A joins the group alone."));
        var a = run(config, options with { Member = "A" }, live, stopA.Token);
        bool aOwnsAll = await TourRecorder.WaitUntilAsync(
            () => recorder.Owned("A").Count == Partitions && recorder.Of<ConsumedEvent>("A").Select(e => e.Partition).Distinct().Count() == Partitions,
            SettleTimeout, tour.Cancellation);

        tour.Output.Emit(new InfoEvent("Consumer B joins the same group: watch A revoke, commit, and the partitions move."));
        var rebalanceClock = Stopwatch.StartNew();
        var b = run(config, options with { Member = "B" }, live, stopB.Token);
        bool split = await TourRecorder.WaitUntilAsync(() => recorder.Owned("A").Count == 2 && recorder.Owned("B").Count == 2, SettleTimeout, tour.Cancellation);
        var rebalanceTook = rebalanceClock.Elapsed;
        var ownedA = ConsumerEvent.Sorted(recorder.Owned("A"));
        var ownedB = ConsumerEvent.Sorted(recorder.Owned("B"));
        var revokedFromA = recorder.Of<RevokedEvent>("A").SelectMany(r => r.Partitions).ToHashSet();
        var revokeCommit = recorder.Of<CommittedEvent>("A").Where(c => c.How.Contains("revoke", StringComparison.OrdinalIgnoreCase)).ToList();

        bool allProcessed = await TourRecorder.WaitUntilAsync(() => recorder.Processed().Distinct().Count() >= Messages, SettleTimeout, tour.Cancellation);
        // One at a time: a member that leaves starts a rebalance, and the embedded broker refuses
        // commits while one runs (Apache Kafka accepts them). So B leaves first, A takes its
        // partitions back, then A leaves.
        tour.Output.Emit(new InfoEvent("Stopping B: it commits what it processed and leaves; A takes its partitions back."));
        await stopB.CancelAsync();
        var outcomeB = await b;
        bool aTookBack = await TourRecorder.WaitUntilAsync(() => recorder.Owned("A").Count == Partitions, SettleTimeout, tour.Cancellation);
        tour.Output.Emit(new InfoEvent("Stopping A."));
        await stopA.CancelAsync();
        var outcomes = new[] { await a, outcomeB };
        var committed = GroupOffsets.Read(config, group, Enumerable.Range(0, Partitions).Select(p => new TopicPartition(topic, p)).ToList(), Reporter.Silent());

        var processed = recorder.Processed();
        var (duplicates, lost) = SequenceCheck.Count(processed, Messages);
        long committedTotal = committed.Sum(p => p.Committed ?? 0);

        var checks = new List<Check>
        {
            tour.Check(Name, "A alone owned all four partitions and processed records from each", aOwnsAll),
            tour.Check(Name, "after B joined, the partitions split two and two", split,
                $"A {ConsumerEvent.List(ownedA)}, B {ConsumerEvent.List(ownedB)}, settled in {rebalanceTook.TotalSeconds:0.0} s"),
            tour.Check(Name, "A revoked exactly the partitions B got (cooperative: the others stayed)",
                split && revokedFromA.SetEquals(ownedB), ConsumerEvent.List(ConsumerEvent.Sorted(revokedFromA))),
            tour.Check(Name, "A committed its processed offsets of the revoked partitions in the revoke handler",
                revokedFromA.Count > 0 && revokedFromA.All(p => revokeCommit.SelectMany(c => c.Offsets).Any(o => o.Topic == p.Topic && o.Partition == p.Partition.Value)),
                string.Join("; ", revokeCommit.SelectMany(c => c.Offsets).Select(o => o.ToString()))),
            tour.Check(Name, $"across the handover all {Messages} messages were processed, none twice, none skipped",
                allProcessed && duplicates == 0 && lost == 0, $"{processed.Count} processed, {duplicates} twice, {lost} never"),
            tour.Check(Name, "when B left, A took all four partitions back", aTookBack),
            tour.Check(Name, "both stopped cleanly and everything is committed",
                outcomes.All(o => o.Succeeded) && committed.All(p => p.Committed == p.High), $"{committedTotal} of {Messages}"),
        };
        return new ChapterOutcome("consume rebalance (A + B)", Messages, produced.Delivered, processed.Count, duplicates, lost,
            $"{committedTotal}/{Messages}", clock.Elapsed, checks);
    }
}
