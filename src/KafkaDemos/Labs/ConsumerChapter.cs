using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Admin;
using KafkaDemos.Consumers;
using KafkaDemos.Producers;

namespace KafkaDemos.Labs;

/// <summary>
/// A commit strategy, live: a consumer of a fresh group reads part of a numbered topic and
/// stops cleanly; a second run in the same group reads the rest. Checked by reading back the
/// group's committed offsets and the numbers each run processed: the commit after the first
/// run is exactly what it processed, the restart begins right there, and across both runs
/// every message is processed once.
/// </summary>
public sealed class ConsumerChapter(string strategy, string courseExample, string course) : ITourChapter
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
        var produced = await ProducerDemos.For("async").RunAsync(tour.ProducerConfig(),
            new ProduceOptions { Topic = topic, Count = Messages }, NullSink.Instance, tour.Cancellation);
        tour.Output.Emit(new Cli.Output.InfoEvent($"Produced {produced.Delivered} numbered messages (msg_0 .. msg_{Messages - 1}) to {topic}."));

        string group = $"tour-{strategy}-{Guid.NewGuid().ToString("N")[..8]}";
        var config = tour.ConsumerConfig(group);
        var run = ConsumeCommand.Strategies[strategy];
        var partitions = Enumerable.Range(0, Partitions).Select(p => new TopicPartition(topic, p)).ToList();

        tour.Output.Emit(new Cli.Output.InfoEvent($"First run: --commit {strategy} --max-messages {FirstRun}, then a clean stop."));
        var first = new TourRecorder(tour.LiveOutput());
        var firstOutcome = await run(config, new ConsumeOptions { Topics = [topic], MaxMessages = FirstRun }, first, tour.Cancellation);
        var afterFirst = GroupOffsets.Read(config, group, partitions, NullSink.Instance);

        tour.Output.Emit(new Cli.Output.InfoEvent("Second run: the same group, until the end of every partition."));
        var second = new TourRecorder(tour.LiveOutput());
        var secondOutcome = await run(config, new ConsumeOptions { Topics = [topic], ExitAtEnd = true }, second, tour.Cancellation);
        var afterSecond = GroupOffsets.Read(config, group, partitions, NullSink.Instance);

        var processed = first.Processed().Concat(second.Processed()).ToList();
        var (duplicates, lost) = SequenceCheck.Count(processed, Messages);
        var lastProcessed = first.Of<ConsumedEvent>().GroupBy(e => e.Partition).ToDictionary(g => g.Key, g => g.Max(e => e.Offset) + 1);
        var resumedAt = second.Of<ConsumedEvent>().GroupBy(e => e.Partition).ToDictionary(g => g.Key, g => g.Min(e => e.Offset));
        long committedTotal = afterSecond.Sum(p => p.Committed ?? 0);

        var checks = new List<Check>
        {
            tour.Check(Name, $"the first run processed {FirstRun} and stopped cleanly",
                firstOutcome.Consumed == FirstRun && firstOutcome.Succeeded, $"consumed {firstOutcome.Consumed}, commit failures {firstOutcome.CommitFailures}"),
            tour.Check(Name, "after the clean stop, the group's committed offset of each partition is last processed + 1",
                afterFirst.All(p => p.Committed == (lastProcessed.TryGetValue(p.Partition.Partition.Value, out long next) ? next : p.Committed)),
                string.Join(", ", afterFirst.Select(p => $"p{p.Partition.Partition.Value}={p.Committed?.ToString() ?? "none"}"))),
            tour.Check(Name, "the restart resumed exactly at the committed offsets",
                resumedAt.All(r => r.Value == (afterFirst[r.Key].Committed ?? afterFirst[r.Key].Low)),
                string.Join(", ", resumedAt.OrderBy(r => r.Key).Select(r => $"p{r.Key}@{r.Value}"))),
            tour.Check(Name, $"across both runs all {Messages} messages were processed, each once",
                duplicates == 0 && lost == 0 && secondOutcome.Succeeded, $"{processed.Count} processed, {duplicates} twice, {lost} never"),
            tour.Check(Name, "at the end everything is committed (lag 0)",
                afterSecond.All(p => p.Committed == p.High), $"{committedTotal} of {Messages}"),
        };
        return new ChapterOutcome($"consume --commit {strategy}", Messages, produced.Delivered, processed.Count, duplicates, lost,
            $"{committedTotal}/{Messages}", clock.Elapsed, checks);
    }
}
