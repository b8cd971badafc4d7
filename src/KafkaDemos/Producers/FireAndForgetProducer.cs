using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// The course's Producer_01_FireAndForget: produce() without checking the result. The
/// highest throughput of all modes, and it does not know whether a message arrived.
/// </summary>
public static class FireAndForgetProducer
{
    public const string Name = "fire-and-forget";

    public static async Task<ProduceResult> RunAsync(ProducerConfig config, ProduceOptions options, Reporter reporter, CancellationToken cancellation)
    {
        // Step 1: the configuration (bootstrap.servers and the rest come from the config loader),
        // without delivery reports: nothing comes back per message. That is the point of the mode,
        // and part of why it is fastest; the price is that failures go unseen.
        config = new ProducerConfig(config.ToDictionary()) { EnableDeliveryReports = false };
        using var run = new ProducerReport(Name, options, reporter, cancellation, tracksDeliveries: false);

        // Step 2: one producer instance for the whole run.
        using var producer = run.Build(new ProducerBuilder<string?, string?>(config));

        // Step 3: produce(topic, key=str(i), value='msg_'+str(i)) and move on, no callback.
        // Produce only queues the message locally; if that queue is full, Send waits
        // for room and tries again (the course's BufferError branch), so nothing is dropped.
        run.Start();
        await foreach (var message in run.Messages())
        {
            var kafkaMessage = new Message<string?, string?> { Key = message.Key, Value = message.Value, Headers = message.Headers };
            if (run.Send(producer, message, kafkaMessage))
                run.Announce(message);
        }

        // Step 4: producer.flush(10): wait, with a bound, for the queue to drain. Whatever is
        // still queued afterwards is reported; what failed on the way is never known here.
        int stillQueued;
        using (run.Flushing(producer))
            stillQueued = producer.Flush(run.FlushTimeout);
        run.Flushed(stillQueued);
        return run.Summary();
    }
}
