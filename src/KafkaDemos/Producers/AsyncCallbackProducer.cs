using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// The course's Producer_03_Async: produce() with a delivery callback. The client batches and
/// sends in the background; the callback reports each message's partition and offset, or its
/// error. Good throughput and every result known: the course's recommended way.
/// </summary>
public static class AsyncCallbackProducer
{
    public const string Name = "async";

    public static async Task<ProduceResult> RunAsync(ProducerConfig config, ProduceOptions options, Reporter reporter, CancellationToken cancellation)
    {
        // Step 1: the configuration; delivery reports carry only what the callback reads.
        config = ProducerReport.WithDeliveryKeyAndStatus(config);
        using var run = new ProducerReport(Name, options, reporter, cancellation);

        // Step 2: the producer. Its background thread runs the delivery callbacks (the course's poll()).
        using var producer = run.Build(new ProducerBuilder<string?, string?>(config));

        // The delivery_callback, one for the whole run: runs once per message, when the broker
        // answers or message.timeout.ms expires, and reports its partition and offset, or its error.
        var deliveryCallback = run.DeliveryCallback<string?, string?>(config);

        // Step 3: produce(..., callback=delivery_callback) for every message without waiting.
        // A full local queue (the course's BufferError) is waited out and the message sent again.
        run.Start();
        await foreach (var message in run.Messages())
        {
            run.Send(producer, message,
                new Message<string?, string?> { Key = message.Key, Value = message.Value, Headers = message.Headers },
                deliveryCallback);
        }

        // Step 4: producer.flush(10): wait, with a bound, for the outstanding callbacks.
        int stillQueued;
        using (run.Flushing(producer))
            stillQueued = producer.Flush(run.FlushTimeout);
        run.Flushed(stillQueued);
        return run.Summary();
    }
}
