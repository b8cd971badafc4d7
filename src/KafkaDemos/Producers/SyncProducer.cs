using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// The course's Producer_02_Sync: send a message and wait for the broker's answer before the
/// next. The course's Python client cannot do this (librdkafka is asynchronous); awaiting
/// ProduceAsync can. Slowest mode: one full round trip per message, nothing batched.
/// </summary>
public static class SyncProducer
{
    public const string Name = "sync";

    public static async Task<ProduceResult> RunAsync(ProducerConfig config, ProduceOptions options, Reporter reporter, CancellationToken cancellation)
    {
        // Step 1: the configuration (bootstrap.servers and the rest come from the config loader).
        using var run = new ProducerReport(Name, options, reporter, cancellation);

        // Step 2: the producer.
        using var producer = run.Build(new ProducerBuilder<string?, string?>(config));

        // Step 3: send one message, wait for its partition and offset (or error), then the next.
        run.Start();
        await foreach (var message in run.Messages())
        {
            run.CountSent();
            long started = Stopwatch.GetTimestamp();
            try
            {
                // Not cancelled by Ctrl+C: the message is already on its way; its answer comes
                // within message.timeout.ms and is reported either way.
                var result = await producer.ProduceAsync(run.Destination,
                    new Message<string?, string?> { Key = message.Key, Value = message.Value, Headers = message.Headers }, CancellationToken.None);
                run.Report(result, message, started);
            }
            catch (ProduceException<string?, string?> e)
            {
                // Like an exception from Java's send().get(): the failure is reported and the loop stops.
                run.Report(e.DeliveryResult?.TopicPartitionOffset ?? new TopicPartitionOffset(run.Destination, Offset.Unset),
                    e.Error, e.DeliveryResult?.Status ?? PersistenceStatus.NotPersisted, message, started);
                break;
            }
        }

        // Step 4: nothing is queued any more, but flush anyway, with its bound, as every mode does.
        int stillQueued;
        using (run.Flushing(producer))
            stillQueued = producer.Flush(run.FlushTimeout);
        run.Flushed(stillQueued);
        return run.Summary();
    }
}
