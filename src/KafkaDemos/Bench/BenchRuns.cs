using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Cli;
using KafkaDemos.Cli.Output;
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
public sealed record BenchSettings(int Size, int Partitions, ProducerConfig Producer, ConsumerConfig Consumer);

/// <summary>
/// The benchmark runs. Producer runs execute the project's own producer demos
/// (<see cref="ProducerDemos"/>) with a <see cref="RecordingSink"/>, so they measure the demo
/// code a learner runs, not a separate loop. The consumer run fills a fresh topic with the
/// fire-and-forget demo, then reads back everything the broker kept.
/// </summary>
public static class BenchRuns
{
    /// <summary>Bytes per partition a consume run plans for: below the embedded broker's ~5 MiB per partition, with room for record overhead.</summary>
    public const long RetainedBytesPerPartition = 4L * 1024 * 1024;

    /// <summary>How long the consumer waits for a next record before it reports the rest as not read.</summary>
    private static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(10);

    public static Task<BenchResultEvent> RunAsync(BenchPlan plan, BenchSettings settings, BenchBroker broker, IEventSink output, BenchStage stage, CancellationToken cancellation) =>
        plan.IsConsume
            ? ConsumeAsync(plan, settings, broker, output, stage, cancellation)
            : ProduceAsync(plan, settings, broker, output, stage, cancellation);

    private static async Task<BenchResultEvent> ProduceAsync(BenchPlan plan, BenchSettings settings, BenchBroker broker, IEventSink output, BenchStage stage, CancellationToken cancellation)
    {
        var demo = ProducerDemos.For(plan.Mode);
        var config = broker.Apply(Copy(settings.Producer));
        if (plan.Acks is Acks acks) config.Acks = acks;
        var (topic, note) = await broker.CreateTopicAsync(plan.Mode, settings.Partitions, cancellation);
        var options = Options(plan, settings, topic, config);
        demo.Configure(config, options);

        var sink = new RecordingSink(output, new LatencyRecorder(plan.Count));
        stage.Description = plan.Mode;
        stage.Total = plan.Count;
        stage.Done = () => sink.Done;

        using var meter = ResourceMeter.Start();
        var clock = Stopwatch.StartNew();
        var result = await demo.RunAsync(config, options, sink, cancellation);
        clock.Stop();
        var resources = meter.Stop();

        double valueBytes = options.Size ?? sink.AverageValueChars;
        return BenchResultEvent.Create("produce", plan.Mode, topic, broker.PartitionCount(topic, settings.Partitions), result.Sent, result.Delivered,
            result.Failed, result.NotDelivered, produced: null, retained: null, valueBytes, clock.Elapsed, sink.Latencies.Summarize(), resources,
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

    private static async Task<BenchResultEvent> ConsumeAsync(BenchPlan plan, BenchSettings settings, BenchBroker broker, IEventSink output, BenchStage stage, CancellationToken cancellation)
    {
        // A broker that keeps only recent data per partition would drop the start of a big topic:
        // spread the records over enough partitions that all of them stay readable.
        long bytes = (long)plan.Count * (settings.Size + 30);
        int partitions = broker.KeepsRecentDataOnly ? (int)Math.Max(settings.Partitions, (bytes + RetainedBytesPerPartition - 1) / RetainedBytesPerPartition) : settings.Partitions;
        var (topic, note) = await broker.CreateTopicAsync("consume", partitions, cancellation);

        // Step 1: fill the topic with the fire-and-forget demo.
        var fill = new RecordingSink(output, new LatencyRecorder(16));
        stage.Description = "consume (filling)";
        stage.Total = plan.Count;
        stage.Done = () => fill.Done;
        var config = broker.Apply(Copy(settings.Producer));
        var options = Options(plan, settings, topic, config);
        var produced = await new FireAndForgetProducer().RunAsync(config, options, fill, cancellation);
        long written = produced.Sent - produced.NotDelivered;

        // Step 2: what the broker still has, partition by partition.
        partitions = broker.PartitionCount(topic, partitions);
        var consumerConfig = broker.Apply(new ConsumerConfig(settings.Consumer.ToDictionary(p => p.Key, p => p.Value))
        {
            // Assigned partitions, no group join (no rebalance wait) and nothing committed.
            GroupId = $"bench-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            EnablePartitionEof = false,
        });
        // Throughput settings, unless given: prefetch up to a million records per partition
        // (librdkafka's default of 100,000 makes it pause fetching, ~160k msg/s here), and answer
        // a fetch within 10 ms when one of its partitions has nothing new (default 500 ms).
        consumerConfig.QueuedMinMessages ??= 1_000_000;
        consumerConfig.FetchWaitMaxMs ??= 10;
        using var consumer = new ConsumerBuilder<string?, string>(consumerConfig)
            .SetLogHandler(ClientLog.Handler<IConsumer<string?, string>>(output))
            .SetErrorHandler(ClientLog.ErrorHandler<IConsumer<string?, string>>(output))
            .Build();
        var assignment = Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)).ToList();
        long retained = assignment.Sum(tp =>
        {
            var w = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(10));
            return Math.Max(0, w.High.Value - w.Low.Value);
        });

        // Step 3: read it all back, timed, the way the course's consumer loop polls.
        long read = 0, valueChars = 0;
        stage.Description = "consume (reading)";
        stage.Total = retained;
        stage.Done = () => Interlocked.Read(ref read);
        using var meter = ResourceMeter.Start();
        var clock = Stopwatch.StartNew();
        consumer.Assign(assignment.Select(tp => new TopicPartitionOffset(tp, Offset.Beginning)));
        var lastRecord = TimeSpan.Zero;
        string? stopped = null;
        while (read < retained && !cancellation.IsCancellationRequested)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is null)
            {
                if (clock.Elapsed - lastRecord <= IdleLimit) continue;
                stopped = $"no record for {IdleLimit.TotalSeconds:0} s: stopped with {retained - read} not read";
                break;
            }
            valueChars += record.Message.Value?.Length ?? 0;
            Interlocked.Increment(ref read);
            lastRecord = clock.Elapsed;
        }
        var elapsed = lastRecord;
        var resources = meter.Stop();
        consumer.Close();

        string? retention = retained < written
            ? $"the broker kept {retained} of {written} records (each partition keeps only recent data): read what it kept"
            : null;
        return BenchResultEvent.Create("consume", BenchPlan.Consume, topic, partitions, read, delivered: null, failed: 0, notDelivered: retained - read,
            written, retained, read == 0 ? settings.Size : valueChars / (double)read, elapsed, latency: null, resources,
            Join(plan.Note, note, retention, stopped, cancellation.IsCancellationRequested ? "interrupted (Ctrl+C)" : null));
    }

    /// <summary>A copy of its own: Confluent's copy constructor shares the property dictionary.</summary>
    public static ProducerConfig Copy(ProducerConfig config) => new(config.ToDictionary(p => p.Key, p => p.Value));

    private static string? Join(params string?[] notes)
    {
        var present = notes.Where(n => n is not null).ToList();
        return present.Count == 0 ? null : string.Join("; ", present);
    }
}
