using System.Globalization;
using System.Text.Json.Serialization;
using KafkaDemos.Core;

namespace KafkaDemos.Bench;

/// <summary>
/// The figures of one benchmark run. Text mode prints them in the layout of Kafka's own tools
/// (kafka-producer-perf-test's one line, kafka-consumer-perf-test's columns); JSON mode writes
/// them as one "bench_result" object.
/// </summary>
/// <param name="Kind">produce or consume.</param>
/// <param name="Mode">The producer mode (fire-and-forget, async, ...) or "consume".</param>
/// <param name="Records">Produce: records sent (handed to the client). Consume: records read.</param>
/// <param name="Delivered">Produce: acknowledged by the broker; null when the mode does not ask (fire-and-forget).</param>
/// <param name="Produced">Consume: records written to the topic before reading; null when it read an existing topic (--topic).</param>
/// <param name="Retained">Consume: records the broker still kept when reading started (its log start may have moved).</param>
/// <param name="ValueBytes">Average value size in bytes, the unit of MB/s (like the perf tools: values only).</param>
/// <param name="Latency">Produce: time from Produce() to the delivery report; null for modes that observe no deliveries.</param>
/// <param name="PeakWorkingSetMb">Highest working set of the process during the run (sampled every 20 ms).</param>
/// <param name="CpuUsPerMsg">CPU time of the whole process (all threads, native ones included) per record, in microseconds.</param>
/// <param name="AllocatedBytesPerMsg">Managed bytes allocated per record during the run.</param>
public sealed record BenchResultEvent(
    string Kind,
    string Mode,
    string Topic,
    int Partitions,
    long Records,
    long? Delivered,
    long Failed,
    long NotDelivered,
    long? Produced,
    long? Retained,
    double ValueBytes,
    double ElapsedS,
    double MsgPerS,
    double MbPerS,
    [property: JsonPropertyName("latency_ms")] LatencySummary? Latency,
    double PeakWorkingSetMb,
    double CpuUsPerMsg,
    double AllocatedBytesPerMsg,
    int Gen0Collections,
    int Gen2Collections,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note) : DemoEvent("bench_result", isData: true)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The rounded figures of a run: msg/s and MB/s from the same records and elapsed time.</summary>
    public static BenchResultEvent Create(string kind, string mode, string topic, int partitions, long records, long? delivered, long failed,
        long notDelivered, long? produced, long? retained, double valueBytes, TimeSpan elapsed, LatencySummary? latency, RunResources resources, string? note)
    {
        double seconds = Math.Max(elapsed.TotalSeconds, 1e-6);
        return new(kind, mode, topic, partitions, records, delivered, failed, notDelivered, produced, retained,
            Math.Round(valueBytes, 1),
            Math.Round(seconds, 4),
            Math.Round(records / seconds, 1),
            Math.Round(records * valueBytes / (1024 * 1024) / seconds, 2),
            latency is null ? null : new LatencySummary(latency.Count, R(latency.Avg), R(latency.P50), R(latency.P95), R(latency.P99), R(latency.P999), R(latency.Max)),
            Math.Round(resources.PeakWorkingSetBytes / (1024.0 * 1024), 1),
            Math.Round(resources.CpuTime.TotalMicroseconds / Math.Max(records, 1), 2),
            Math.Round(resources.AllocatedBytes / (double)Math.Max(records, 1), 1),
            resources.Gen0Collections,
            resources.Gen2Collections,
            note);

        static double R(double ms) => Math.Round(ms, 3);
    }

    public override string? ToText() => Kind == "consume" ? ConsumerText() : ProducerText();

    /// <summary>kafka-producer-perf-test's closing line, prefixed with the mode.</summary>
    private string ProducerText()
    {
        string line = string.Create(Invariant, $"[{Mode}] {Records} records sent, {MsgPerS:0.0} records/sec ({MbPerS:0.00} MB/sec)");
        line += Latency is { } l
            ? string.Create(Invariant, $", {l.Avg:0.00} ms avg latency, {l.Max:0.00} ms max latency, {l.P50:0} ms 50th, {l.P95:0} ms 95th, {l.P99:0} ms 99th, {l.P999:0} ms 99.9th.")
            : ". (no delivery reports in this mode: no latency)";
        if (Delivered is long d && (d != Records || Failed > 0 || NotDelivered > 0))
            line += string.Create(Invariant, $"\n  delivered {d}, failed {Failed}, not delivered {NotDelivered}");
        return line + Resources() + (Note is null ? "" : $"\n  note: {Note}");
    }

    /// <summary>kafka-consumer-perf-test's header and value line (time columns as seconds since the run started).</summary>
    private string ConsumerText()
    {
        double mb = Records * ValueBytes / (1024 * 1024);
        return "[consume] data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, fetch.time.ms\n" +
               string.Create(Invariant, $"[consume] {mb:0.0000}, {MbPerS:0.0000}, {Records}, {MsgPerS:0.0000}, {ElapsedS * 1000:0}") +
               (Produced is null
                   ? string.Create(Invariant, $"\n  read {Records} of the {Retained} records in {Topic} ({Partitions} partitions)")
                   : string.Create(Invariant, $"\n  read {Records} of {Retained} records the broker kept ({Produced} produced) from {Partitions} partitions")) +
               Resources() + (Note is null ? "" : $"\n  note: {Note}");
    }

    private string Resources() =>
        string.Create(Invariant, $"\n  CPU {CpuUsPerMsg:0.00} us per record, peak working set {PeakWorkingSetMb:0.0} MB, {AllocatedBytesPerMsg:0} B allocated per record, GCs gen0 {Gen0Collections} gen2 {Gen2Collections}");
}

/// <summary>What a run cost the process: peak working set, CPU time, managed allocation and collections.</summary>
public sealed record RunResources(long PeakWorkingSetBytes, TimeSpan CpuTime, long AllocatedBytes, int Gen0Collections, int Gen2Collections);

/// <summary>The runs of `demo bench all` side by side, with each mode's rate relative to fire-and-forget.</summary>
public static class BenchTable
{
    public static TableEvent Create(IReadOnlyList<BenchResultEvent> results, string title)
    {
        double? baseline = results.FirstOrDefault(r => r.Mode == "fire-and-forget")?.MsgPerS;
        return new TableEvent(title,
            ["mode", "records", "msg/s", "MB/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "vs fire-and-forget", "CPU us/msg", "peak MB", "B/msg"],
            results.Select(r => (IReadOnlyList<object?>)
            [
                r.Mode,
                r.Records.ToString("N0", CultureInfo.InvariantCulture) + (r.Note is null ? "" : " *"),
                r.MsgPerS.ToString("N0", CultureInfo.InvariantCulture),
                r.MbPerS,
                r.Latency?.P50,
                r.Latency?.P95,
                r.Latency?.P99,
                r.Latency?.Max,
                baseline is > 0 ? (r.MsgPerS / baseline.Value).ToString("0.00", CultureInfo.InvariantCulture) + "x" : null,
                r.CpuUsPerMsg,
                r.PeakWorkingSetMb,
                r.AllocatedBytesPerMsg,
            ]).ToList());
    }
}
