using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Admin;
using KafkaDemos.Consumers;
using KafkaDemos.Producers;

using KafkaDemos.Labs;
using KafkaDemos.Core;

namespace KafkaDemos.Tour;

/// <summary>
/// A commit strategy, live: a consumer of a fresh group reads part of a numbered topic and
/// stops cleanly; a second run in the same group reads the rest. Checked against the topic read
/// back and the group's committed offsets: the offsets below the commit after the first run are
/// exactly the ones it reported processing (a partition it did not touch has no commit), the
/// restart begins right there in every partition with records left, and across both runs every
/// number in the log is processed once.
/// </summary>
/// <param name="swapped">Runs instead of the strategy's own file: tests swap in a broken strategy to see the checks fail.</param>
public sealed class ConsumerChapter(string strategy, string courseExample, string course, CommitStrategy? swapped = null) : ITourChapter
{
    public const int Messages = 40;
    public const int FirstRun = 15;
    private const int Partitions = 4;

    public string Name => strategy;

    public string Title => $"Consumer: --commit {strategy} ({courseExample})";

    public string Course => course;

    public async Task<ChapterOutcome> RunAsync(TourContext tour)
    {
        var clock = Stopwatch.StartNew();
        string topic = await tour.NewTopicAsync($"tour.commit-{strategy}", Partitions);
        var produced = await ProducerDemos.Modes["async"](tour.ProducerConfig(),
            new ProduceOptions { Topic = topic, Count = Messages }, Reporter.Silent(), tour.Cancellation);
        tour.Output.Emit(new InfoEvent($"Produced {produced.Delivered} numbered messages (msg_0 .. msg_{Messages - 1}) to {topic}."));

        string group = $"tour-{strategy}-{Guid.NewGuid().ToString("N")[..8]}";
        var config = tour.ConsumerConfig(group);
        var run = swapped ?? ConsumeCommand.Strategies[strategy];
        var partitions = Enumerable.Range(0, Partitions).Select(p => new TopicPartition(topic, p)).ToList();

        tour.Output.Emit(new InfoEvent($"First run: --commit {strategy} --max-messages {FirstRun}, then a clean stop."));
        var first = new TourRecorder();
        var firstOutcome = await run(config, new ConsumeOptions { Topics = [topic], MaxMessages = FirstRun }, tour.LiveOutput(observers: first), tour.Cancellation);
        var afterFirst = GroupOffsets.Read(config, group, partitions, Reporter.Silent());

        tour.Output.Emit(new InfoEvent("Second run: the same group, until the end of every partition."));
        var second = new TourRecorder();
        var secondOutcome = await run(config, new ConsumeOptions { Topics = [topic], ExitAtEnd = true }, tour.LiveOutput(observers: second), tour.Cancellation);
        var afterSecond = GroupOffsets.Read(config, group, partitions, Reporter.Silent());

        // The log and the broker's committed offsets decide; the consumers' reports are matched against them by offset.
        var log = tour.ReadBack(topic).ToDictionary(r => (r.Partition, r.Offset));
        var firstSaw = Offsets(first);
        var secondSaw = Offsets(second);
        var resumeFrom = afterFirst.ToDictionary(p => p.Partition.Partition.Value, p => p.Committed ?? p.Low);
        var committedByFirst = afterFirst.SelectMany(p => Span(p.Partition.Partition.Value, p.Low, p.Committed ?? p.Low)).ToHashSet();
        var numbers = firstSaw.Concat(secondSaw).Select(k => log.TryGetValue(k, out var record) ? SequenceCheck.NumberOf(record.Value) : null).ToList();
        var (duplicates, lost) = SequenceCheck.Count(numbers.OfType<long>(), Messages);
        int notInLog = numbers.Count(n => n is null);
        var resumedAt = secondSaw.GroupBy(k => k.Partition).ToDictionary(g => g.Key, g => g.Min(k => k.Offset));
        var leftAfterFirst = afterFirst.Where(p => p.High > resumeFrom[p.Partition.Partition.Value]).Select(p => p.Partition.Partition.Value).ToList();
        long committedTotal = afterSecond.Sum(p => p.Committed ?? 0);

        var checks = new List<Check>
        {
            tour.Check(Name, $"the first run processed {FirstRun} and stopped cleanly",
                committedByFirst.Count == FirstRun && firstSaw.Count == FirstRun && firstOutcome.Succeeded,
                $"{committedByFirst.Count} committed, {firstSaw.Count} reported, commit failures {firstOutcome.CommitFailures}"),
            tour.Check(Name, "after the clean stop, each partition's committed offset is last processed + 1 (none where it processed nothing)",
                committedByFirst.SetEquals(firstSaw),
                string.Join(", ", afterFirst.Select(p => Describe(p, firstSaw)))),
            tour.Check(Name, "the restart resumed exactly at the committed offsets",
                leftAfterFirst.All(p => resumedAt.TryGetValue(p, out long at) && at == resumeFrom[p]) && resumedAt.Keys.All(leftAfterFirst.Contains),
                string.Join(", ", leftAfterFirst.Select(p => $"p{p}@{(resumedAt.TryGetValue(p, out long at) ? at.ToString() : "never")} (resume point {resumeFrom[p]})"))),
            tour.Check(Name, $"across both runs all {Messages} messages were processed, each once",
                duplicates == 0 && lost == 0 && notInLog == 0 && secondOutcome.Succeeded,
                $"{numbers.Count} processed, {duplicates} twice, {lost} never" + (notInLog > 0 ? $", {notInLog} at offsets not in the log" : "")),
            tour.Check(Name, "at the end everything is committed (lag 0)",
                afterSecond.All(p => p.Committed == p.High), $"{committedTotal} of {log.Count}"),
        };
        return new ChapterOutcome($"consume --commit {strategy}", Messages, log.Count, numbers.Count - notInLog, duplicates, lost,
            $"{committedTotal}/{log.Count}", clock.Elapsed, checks);
    }

    private static List<(int Partition, long Offset)> Offsets(TourRecorder run) =>
        run.Of<ConsumedEvent>().Select(e => (e.Partition, e.Offset)).ToList();

    private static IEnumerable<(int Partition, long Offset)> Span(int partition, long from, long to)
    {
        for (long offset = from; offset < to; offset++) yield return (partition, offset);
    }

    private static string Describe(PartitionPosition position, List<(int Partition, long Offset)> saw)
    {
        int p = position.Partition.Partition.Value;
        var offsets = saw.Where(k => k.Partition == p).Select(k => k.Offset).ToList();
        string processed = offsets.Count == 0 ? "processed nothing" : $"processed {offsets.Min()}..{offsets.Max()}";
        return $"p{p}={position.Committed?.ToString() ?? "none"} ({processed})";
    }
}
