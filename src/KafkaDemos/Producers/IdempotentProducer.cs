using Confluent.Kafka;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// The course's enable.idempotence slide: the async producer with idempotence on, so retries
/// after transient errors write each message exactly once and in order. A fatal error (the
/// guarantee can no longer be kept) ends the run with exit 1.
/// </summary>
public static class IdempotentProducer
{
    public const string Name = "idempotent";

    /// <summary>
    /// The settings idempotence implies. Settings that contradict them are refused (the loader
    /// checks the same constraints for the command line), so nothing chosen is silently overridden.
    /// </summary>
    public static ProducerConfig Configure(ProducerConfig config)
    {
        ModeConstraints.Check(ModeConstraints.ForProducer(Name), config, "the producer's configuration");
        // One name per property, so MaxInFlight below reads a value given as max.in.flight.requests.per.connection.
        config = new ProducerConfig(PropertyAliases.Resolve(config));
        return new ProducerConfig(ProducerReport.WithDeliveryKeyAndStatus(config).ToDictionary())
        {
            // The broker remembers this producer's id and the sequence number of each batch, so a
            // batch sent twice (a retry after a lost answer) is written once, and in order.
            EnableIdempotence = true,
            Acks = Acks.All,
            MaxInFlight = config.MaxInFlight ?? ModeConstraints.IdempotenceMaxInFlight,
        };
    }

    public static async Task<ProduceResult> RunAsync(ProducerConfig config, ProduceOptions options, Reporter reporter, CancellationToken cancellation)
    {
        // Step 1: the configuration, with the settings idempotence implies printed for the learner.
        config = Configure(config);
        reporter.Emit(new ProducerSettingsEvent(Name, new Dictionary<string, string>
        {
            ["enable.idempotence"] = "true",
            ["acks"] = "all",
            ["max.in.flight.requests.per.connection"] = config.MaxInFlight!.Value.ToString(),
            ["retries"] = (config.MessageSendMaxRetries ?? int.MaxValue).ToString(),
            ["message.timeout.ms"] = (config.MessageTimeoutMs ?? 300_000).ToString(),
        }, "Each batch carries the producer id and a sequence number: the broker writes a retried batch once and in order. " +
           "That needs acks=all, at most 5 requests in flight and retries (bounded by message.timeout.ms)."));

        using var run = new ProducerReport(Name, options, reporter, cancellation);

        // Step 2: the producer, with error_cb: a fatal error (the guarantee can no longer be kept) stops the run.
        using var producer = run.Build(new ProducerBuilder<string?, string?>(config));

        // Step 3: produce() with a delivery callback, as --mode async does; the broker now
        // deduplicates retried batches by producer id and sequence number.
        var deliveryCallback = run.DeliveryCallback<string?, string?>(config);
        run.Start();
        await foreach (var message in run.Messages())
        {
            run.Send(producer, message,
                new Message<string?, string?> { Key = message.Key, Value = message.Value, Headers = message.Headers },
                deliveryCallback);
        }

        // Step 4: flush with a bound.
        int stillQueued;
        using (run.Flushing(producer))
            stillQueued = producer.Flush(run.FlushTimeout);
        run.Flushed(stillQueued);
        return run.Summary();
    }
}
