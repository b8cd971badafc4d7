using System.Diagnostics;
using System.Text.Json;
using KafkaDemos.Configuration;
using KafkaDemos.Producers;

using KafkaDemos.Labs;

namespace KafkaDemos.Tour;

/// <summary>
/// A producer mode, live: send numbered messages to a fresh four-partition topic with the
/// mode's own demo, then read the topic back and check that every message is there once,
/// keyed like the course (key=str(i)) and in order within its partition.
/// </summary>
public sealed class ProducerChapter(CourseProgram<ProducerProgram> demo, string course) : ITourChapter
{
    public const int Messages = 20;

    public string Name => demo.Name;

    public string Title => $"Producer: {demo.Name} ({demo.CourseExample})";

    public string Course => course;

    public async Task<ChapterOutcome> RunAsync(TourContext tour)
    {
        var clock = Stopwatch.StartNew();
        string topic = await tour.NewTopicAsync($"tour.{demo.Name}", partitions: 4);
        var config = tour.ProducerConfig();
        var live = tour.LiveOutput();
        var result = await demo.Run(config, new ProduceOptions
        {
            Topic = topic,
            Count = Messages,
            FlushTimeout = ProduceOptions.FlushTimeoutFor(config),
        }, live, tour.Cancellation);
        live.CloseExcerpt();

        var records = tour.ReadBack(topic);
        var numbers = records.Select(r => SequenceCheck.NumberOf(r.Value)).OfType<long>().ToList();
        var (duplicates, lost) = SequenceCheck.Count(numbers, Messages);
        var checks = new List<Check>
        {
            tour.Check(Name, "the producer reported no failure", result.Succeeded,
                $"sent {result.Sent}, delivered {result.Delivered?.ToString() ?? "not asked"}, failed {result.Failed}, not delivered {result.NotDelivered}"),
        };
        if (result.Delivered is long delivered)
            checks.Add(tour.Check(Name, $"{Messages} delivery reports with partition and offset", delivered == Messages, $"{delivered} delivered"));
        checks.Add(tour.Check(Name, $"read back: all {Messages} messages are in the topic, each once",
            records.Count == Messages && duplicates == 0 && lost == 0, $"{records.Count} records, {duplicates} duplicates, {lost} missing"));
        checks.Add(tour.Check(Name, "each key is its message number (the course's key=str(i))",
            records.All(r => r.Key == SequenceCheck.NumberOf(r.Value)?.ToString())));
        checks.Add(tour.Check(Name, "within each partition, messages are in the order they were sent", SequenceCheck.InOrderPerPartition(records)));
        if (demo.Name == JsonProducer.Name)
            checks.Add(tour.Check(Name, "every value is a JSON record {\"num\": n}", records.All(r => IsNumRecord(r.Value))));

        return new ChapterOutcome($"produce {demo.Name}", Messages, result.Delivered, null, duplicates, lost, "-", clock.Elapsed, checks);
    }

    private static bool IsNumRecord(string? value)
    {
        try
        {
            using var json = JsonDocument.Parse(value ?? "");
            return json.RootElement.TryGetProperty("num", out var num) && num.ValueKind == JsonValueKind.Number;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
