using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// The course's Producer_04_Json (Configuring Producers - Serializers): the value is a typed
/// record, turned into JSON bytes by a serializer given to the producer, so the loop sends
/// objects, not strings. By default {"num": n}; --record task sends the course's task record;
/// --value '{...}' (with {n}) or input lines send the user's own JSON.
/// </summary>
public static class JsonProducer
{
    public const string Name = "json";

    public static Task<ProduceResult> RunAsync(ProducerConfig config, ProduceOptions options, Reporter reporter, CancellationToken cancellation) => options switch
    {
        { Input: not null } or { Value: not null } => RunAsync(config, options, reporter, cancellation, m => (JsonElement?)JsonSerializer.Deserialize<JsonElement>(m.Value!)),
        { Record: JsonRecordKind.Task } => RunAsync(config, options, reporter, cancellation, m => new CourseTask(m.Number, "XXX", "XXX", "XXX")),
        _ => RunAsync(config, options, reporter, cancellation, m => new NumRecord(m.Number)),
    };

    private static async Task<ProduceResult> RunAsync<T>(ProducerConfig config, ProduceOptions options, Reporter reporter, CancellationToken cancellation, Func<OutgoingMessage, T> toRecord)
    {
        // Step 1: the configuration; delivery reports carry only what the callback reads.
        config = ProducerReport.WithDeliveryKeyAndStatus(config);
        using var run = new ProducerReport(Name, options, reporter, cancellation);

        // Step 2: the producer, with the JSON serializer for values (keys stay plain strings).
        using var producer = run.Build(new ProducerBuilder<string?, T>(config).SetValueSerializer(new JsonValueSerializer<T>()));

        // Step 3: send records asynchronously with a delivery callback, as --mode async does.
        var deliveryCallback = run.DeliveryCallback<string?, T>(config);
        run.Start();
        await foreach (var message in run.Messages(valuesAreJson: true))
        {
            // A null value (--null-value, or "value": null in a JSON input line) is a tombstone: no record at all.
            T record = message.Value is null ? default! : toRecord(message);
            var shown = message.Value is null ? message : message with { Value = JsonValueSerializer<T>.ToText(record) };
            run.Send(producer, shown, new Message<string?, T> { Key = message.Key, Value = record, Headers = message.Headers }, deliveryCallback);
        }

        // Step 4: flush with a bound.
        int stillQueued;
        using (run.Flushing(producer))
            stillQueued = producer.Flush(run.FlushTimeout);
        run.Flushed(stillQueued);
        return run.Summary();
    }
}
