using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.Producers;

namespace KafkaDemos.Bench;

/// <summary>What the progress display shows of the run in progress; the run updates it as it goes.</summary>
public sealed class BenchStage
{
    public string Description { get; set; } = "";

    public long Total { get; set; }

    public Func<long> Done { get; set; } = () => 0;
}

/// <summary>One benchmark run: a producer mode or the consumer, with its message count.</summary>
/// <param name="Note">Shown with the result, e.g. why the run has fewer records than the others.</param>
/// <param name="Acks">Overrides the configured acks for this run (idempotence needs acks=all).</param>
public sealed record BenchPlan(string Mode, int Count, string? Note = null, Acks? Acks = null)
{
    public const string Consume = "consume";

    public bool IsConsume => Mode == Consume;
}

/// <summary>The settings every run of one `demo bench` shares.</summary>
/// <param name="Topic">Consume: an existing topic to read instead of filling a fresh one (kafka-consumer-perf-test's --topic).</param>
public sealed record BenchSettings(int Size, int Partitions, ProducerConfig Producer, ConsumerConfig Consumer, string? Topic = null);

/// <summary>
/// The benchmark runs. Producer runs execute the project's own producer demos
/// (<see cref="ProducerDemos"/>) reporting to a counting, quiet <see cref="Reporter"/>, so they measure the demo
/// code a learner runs, not a separate loop. The consumer run fills a fresh topic with the
/// fire-and-forget demo, then reads back everything the broker kept with the auto-commit consumer.
/// </summary>
public static class BenchRunner
{
    /// <summary>Bytes per partition a consume run plans for: below the embedded broker's ~5 MiB per partition, with room for record overhead.</summary>
    public const long RetainedBytesPerPartition = 4L * 1024 * 1024;

    /// <summary>How long the consumer waits for a next record before it reports the rest as not read.</summary>
    private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(10);

    public static Task<BenchResultEvent> RunAsync(BenchPlan plan, BenchSettings settings, BenchBroker broker, Reporter output, BenchStage stage, CancellationToken cancellation) =>
        plan.IsConsume
            ? ConsumeAsync(plan, settings, broker, output, stage, cancellation)
            : ProduceAsync(plan, settings, broker, output, stage, cancellation);

    private static async Task<BenchResultEvent> ProduceAsync(BenchPlan plan, BenchSettings settings, BenchBroker broker, Reporter output, BenchStage stage, CancellationToken cancellation)
    {
        var demo = ProducerDemos.Modes[plan.Mode];
        var config = broker.Apply(Copy(settings.Producer));
        if (plan.Acks is Acks acks) config.Acks = acks;
        var (topic, note) = await broker.CreateTopicAsync(plan.Mode, settings.Partitions, cancellation);
        var options = Options(plan, settings, topic, config);

        // Warnings and errors reach the user; the demo's own lines and summary give way to the benchmark's.
        var latencies = new LatencyRecorder(plan.Count);
        var sink = output.Showing(Shown.Problems).Counting(latencies);
        stage.Description = plan.Mode;
        stage.Total = plan.Count;
        stage.Done = () => sink.Tally.Sent + sink.Tally.Delivered + sink.Tally.Failed;

        using var meter = ResourceMeter.Start();
        var clock = Stopwatch.StartNew();
        var result = await demo(config, options, sink, cancellation);
        clock.Stop();
        var resources = meter.Stop();
        broker.Release(topic);

        double valueBytes = options.Size ?? sink.Tally.AverageValueChars;
        return BenchResultEvent.Create("produce", plan.Mode, topic, broker.PartitionCount(topic, settings.Partitions), result.Sent, result.Delivered,
            result.Failed, result.NotDelivered, produced: null, retained: null, valueBytes, clock.Elapsed, latencies.Summarize(), resources,
            Join(plan.Note, note, result.FatalError, result.Interrupted ? "interrupted (Ctrl+C)" : null));
    }

    public static ProduceOptions Options(BenchPlan plan, BenchSettings settings, string topic, ProducerConfig config) => new()
    {
        Topic = topic,
        Count = plan.Count,
        // The course's key=str(i); json mode sends its {"num": n} record, whose size it chooses.
        Key = KeySpec.Sequential,
        Size = plan.Mode == "json" ? null : settings.Size,
        FlushTimeout = ProduceOptions.FlushTimeoutFor(config),
    };

    private static async Task<BenchResultEvent> ConsumeAsync(BenchPlan plan, BenchSettings settings, BenchBroker broker, Reporter output, BenchStage stage, CancellationToken cancellation)
    {
        var source = settings.Topic is { } existing
            ? Existing(existing, broker)
            : await FillAsync(plan, settings, broker, output, stage, cancellation);

        var consumerConfig = broker.Apply(new ConsumerConfig(settings.Consumer.ToDictionary(p => p.Key, p => p.Value))
        {
            // A group of its own: it starts from the beginning, and its commits touch no one else's.
            GroupId = $"bench-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnablePartitionEof = false,
        });
        string? tuned = ThroughputSettings(consumerConfig);

        // What the broker has, partition by partition; an existing topic is read up to --count records.
        long retained;
        using (var probe = new ConsumerBuilder<Ignore, Ignore>(consumerConfig).Build())
        {
            retained = Enumerable.Range(0, source.Partitions).Sum(p =>
            {
                var w = probe.QueryWatermarkOffsets(new TopicPartition(source.Topic, p), TimeSpan.FromSeconds(10));
                return Math.Max(0, w.High.Value - w.Low.Value);
            });
        }
        long wanted = source.Written is null ? Math.Min(plan.Count, retained) : retained;

        // Read it back with the course's auto-commit consumer, the code `demo consume --commit auto`
        // runs, timed from its first record to its last (the group join before it is left out).
        var sink = output.Showing(Shown.Problems).Counting();
        var tally = sink.Tally;
        stage.Description = "consume (reading)";
        stage.Total = wanted;
        stage.Done = () => tally.Consumed;
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var watchdog = new Timer(_ => { if (tally.SinceLatestConsumed > IdleLimit) idle.Cancel(); }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        using var meter = ResourceMeter.Start();
        var outcome = wanted == 0 ? null : await AutoCommitConsumer.RunAsync(consumerConfig,
            new ConsumeOptions { Topics = [source.Topic], MaxMessages = wanted }, sink, idle.Token);
        var resources = meter.Stop();
        long read = tally.Consumed;
        string? stopped = idle.IsCancellationRequested && !cancellation.IsCancellationRequested
            ? $"no record for {IdleLimit.TotalSeconds:0} s: stopped with {wanted - read} not read"
            : outcome is { Succeeded: false } ? "the consumer reported a failed commit or an unfinished stop" : null;
        if (source.Written is not null) broker.Release(source.Topic);

        string? retention = retained < source.Written
            ? $"the broker kept {retained} of {source.Written} records (each partition keeps only recent data): read what it kept"
            : null;
        return BenchResultEvent.Create("consume", BenchPlan.Consume, source.Topic, source.Partitions, read, delivered: null, failed: 0, notDelivered: wanted - read,
            source.Written, retained, read == 0 ? settings.Size : tally.AverageValueChars, tally.ConsumeSpan, latency: null, resources,
            Join(plan.Note, source.Note, retention, stopped, tuned, cancellation.IsCancellationRequested ? "interrupted (Ctrl+C)" : null));
    }

    private const string ConsumeResultFieldsProperty = "dotnet.consumer.consume.result.fields";

    /// <summary>
    /// The consumer's throughput settings, each unless given with -X, and a note naming those applied.
    /// When a partition's local queue holds queued.min.messages records, librdkafka postpones its
    /// next fetch by fetch.queue.backoff.ms, 1 s by default: at a million records a second that
    /// pause, not the client, sets the pace (~160k msg/s here). 10 ms keeps fetching steady with
    /// the queue bounded (about 90 MB for a million records). A fetch is answered within 10 ms
    /// when one of its partitions has nothing new (default 500 ms). And since nothing prints the
    /// records, Confluent.Kafka need not copy each record's headers, timestamp or topic name out of
    /// the native client: the consumer subscribes to this one topic, so it knows the name.
    /// </summary>
    private static string? ThroughputSettings(ConsumerConfig config)
    {
        var applied = new List<string>();
        if (config.QueuedMinMessages is null) { config.QueuedMinMessages = 20_000; applied.Add("queued.min.messages=20000"); }
        if (config.FetchQueueBackoffMs is null) { config.FetchQueueBackoffMs = 10; applied.Add("fetch.queue.backoff.ms=10"); }
        if (config.FetchWaitMaxMs is null) { config.FetchWaitMaxMs = 10; applied.Add("fetch.wait.max.ms=10"); }
        if (config.Get(ConsumeResultFieldsProperty) is null) { config.Set(ConsumeResultFieldsProperty, "none"); applied.Add($"{ConsumeResultFieldsProperty}=none"); }
        return applied.Count == 0 ? null : $"consumer tuned for throughput: {string.Join(", ", applied)} (-X overrides)";
    }

    /// <summary>The topic a consume run reads: its name and partitions, and how many records the run wrote to it (null: an existing topic).</summary>
    private sealed record ConsumeSource(string Topic, int Partitions, long? Written, string? Note);

    /// <summary>An existing topic (--topic), read as it is: nothing is written to it.</summary>
    private static ConsumeSource Existing(string topic, BenchBroker broker) =>
        broker.ExistingPartitionCount(topic) is int partitions
            ? new(topic, partitions, null, "an existing topic (--topic): read from the beginning, up to --count records")
            : throw new UsageException($"--topic '{topic}' does not exist on {broker.BootstrapServers} (demo topics list shows the topics there)");

    /// <summary>A fresh topic filled with the fire-and-forget demo, sized so the broker keeps every record.</summary>
    private static async Task<ConsumeSource> FillAsync(BenchPlan plan, BenchSettings settings, BenchBroker broker, Reporter output, BenchStage stage, CancellationToken cancellation)
    {
        // A broker that keeps only recent data per partition would drop the start of a big topic:
        // spread the records over enough partitions that all of them stay readable.
        long bytes = (long)plan.Count * (settings.Size + 30);
        int partitions = broker.KeepsRecentDataOnly ? (int)Math.Max(settings.Partitions, (bytes + RetainedBytesPerPartition - 1) / RetainedBytesPerPartition) : settings.Partitions;
        var (topic, note) = await broker.CreateTopicAsync("consume", partitions, cancellation);

        var fill = output.Showing(Shown.Problems).Counting();
        stage.Description = "consume (filling)";
        stage.Total = plan.Count;
        stage.Done = () => fill.Tally.Sent + fill.Tally.Delivered + fill.Tally.Failed;
        var config = broker.Apply(Copy(settings.Producer));
        var options = Options(plan, settings, topic, config);
        var produced = await FireAndForgetProducer.RunAsync(config, options, fill, cancellation);
        return new(topic, broker.PartitionCount(topic, partitions), produced.Sent - produced.NotDelivered, note);
    }

    /// <summary>A copy of its own: Confluent's copy constructor shares the property dictionary.</summary>
    public static ProducerConfig Copy(ProducerConfig config) => new(config.ToDictionary(p => p.Key, p => p.Value));

    private static string? Join(params string?[] notes)
    {
        var present = notes.Where(n => n is not null).ToList();
        return present.Count == 0 ? null : string.Join("; ", present);
    }
}
