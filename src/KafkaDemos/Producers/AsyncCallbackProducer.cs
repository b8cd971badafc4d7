using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Cli.Output;

namespace KafkaDemos.Producers;

/// <summary>
/// The course's Producer_03_Async: produce() with a delivery callback. The client batches and
/// sends in the background; the callback reports each message's partition and offset, or its
/// error. Good throughput and every result known: the course's recommended way.
/// </summary>
public sealed class AsyncCallbackProducer : IProducerDemo
{
    public string Mode => "async";

    public string CourseExample => "Producer_03_Async (delivery_callback)";

    public ProducerConfig Configure(ProducerConfig config, ProduceOptions options) => WithLeanDeliveryReports(config);

    /// <summary>
    /// The delivery callback reads the report's partition, offset, error and status; the key and
    /// value it prints are the loop's own. So reports carry no copies of the message's fields
    /// (headers, timestamp, key, value): Confluent.Kafka then does not marshal them for every
    /// message. -X dotnet.producer.delivery.report.fields=... still chooses otherwise.
    /// </summary>
    internal static ProducerConfig WithLeanDeliveryReports(ProducerConfig config) => new(config.ToDictionary())
    {
        DeliveryReportFields = config.DeliveryReportFields ?? "status",
    };

    public Task<ProduceResult> RunAsync(ProducerConfig config, ProduceOptions options, IEventSink sink, CancellationToken cancellation) =>
        // Step 1: the configuration.
        SendWithCallbacksAsync(Mode, Configure(config, options), options, sink, cancellation);

    /// <summary>Steps 2 to 4, shared with the modes that send the same way (idempotent).</summary>
    internal static async Task<ProduceResult> SendWithCallbacksAsync(string mode, ProducerConfig config, ProduceOptions options, IEventSink sink, CancellationToken cancellation)
    {
        using var run = new ProducerRun(mode, options, sink, cancellation);

        // Step 2: the producer. Its background thread runs the delivery callbacks (the course's poll()).
        using var producer = run.Build(new ProducerBuilder<string?, string>(config));

        // Step 3: produce(..., callback=delivery_callback) for every message without waiting.
        run.Start();
        await foreach (var message in run.Messages())
        {
            long started = Stopwatch.GetTimestamp();
            await run.SendAsync(message, () => producer.Produce(run.Destination,
                new Message<string?, string> { Key = message.Key, Value = message.Value, Headers = message.Headers },
                DeliveryCallback));

            // The delivery_callback: runs once per message, when the broker answers or message.timeout.ms expires.
            void DeliveryCallback(DeliveryReport<string?, string> report) => run.Report(report, message, started);
        }

        // Step 4: producer.flush(10): wait, with a bound, for the outstanding callbacks.
        return run.Finish(producer);
    }
}
