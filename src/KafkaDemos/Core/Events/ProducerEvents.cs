using System.Text.Json.Serialization;
using Confluent.Kafka;

namespace KafkaDemos.Core;

/// <summary>
/// The broker acknowledged a message: the course's delivery_callback line,
/// "key=3, value=msg_3 -> ak03.fourpartition [2] @ 17". Offset is null under acks=0 (no reply, no offset).
/// </summary>
public sealed record DeliveredEvent(
    string Topic,
    int Partition,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? Offset,
    string? Key,
    string? Value,
    double LatencyMs,
    PersistenceStatus Status) : DemoEvent("delivered", isData: true, isPerMessage: true)
{
    /// <summary>The message's number in its run (0, 1, ...): msg_N's N, the fact labs check order and loss by.</summary>
    [JsonPropertyOrder(-1)]
    public long Number { get; init; }

    /// <summary>The value's real length when <see cref="Value"/> holds only its start (value_length and value_shortened in JSON).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ValueLength { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ValueShortened => ValueLength is not null;

    /// <summary>The message's headers as `consumed` shows them; null (and absent from JSON) when it has none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RecordHeader>? Headers { get; init; }

    public override string? ToText() =>
        $"{ProducerText.KeyValue(Key, Value, ValueLength)} -> {Topic} [{Partition}] @ {(Offset is long o ? o.ToString() : "- (acks=0: no offset)")}" +
        (LatencyMs > 0 ? $" ({LatencyMs:0.0} ms)" : "") + ProducerText.HeaderText(Headers);
}

/// <summary>A message the broker did not take (or that failed locally): every one is reported.</summary>
public sealed record DeliveryFailedEvent(
    string Topic,
    int? Partition,
    string? Key,
    string? Value,
    string Code,
    string Reason,
    PersistenceStatus Status) : DemoEvent("delivery_failed", isPerMessage: true)
{
    /// <summary>The message's number in its run (0, 1, ...): msg_N's N, the fact labs check order and loss by.</summary>
    [JsonPropertyOrder(-1)]
    public long Number { get; init; }

    /// <summary>The value's real length when <see cref="Value"/> holds only its start.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ValueLength { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ValueShortened => ValueLength is not null;

    public override string? ToText() =>
        $"Delivery failed: {ProducerText.KeyValue(Key, Value, ValueLength)} -> {Topic}{(Partition is int p ? $" [{p}]" : "")}: {Reason} ({Code})" +
        (Status == PersistenceStatus.PossiblyPersisted ? " (it may still have been written)" : "");
}

/// <summary>Fire-and-forget handed a message to the client: the course's print after produce(), with no destination known.</summary>
public sealed record SentEvent(
    string Topic,
    string? Key,
    string? Value,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ValueLength = null) : DemoEvent("sent", isData: true, isPerMessage: true)
{
    /// <summary>The message's number in its run (0, 1, ...): msg_N's N, the fact labs check order and loss by.</summary>
    [JsonPropertyOrder(-1)]
    public long Number { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ValueShortened => ValueLength is not null;

    /// <summary>The message's headers as `consumed` shows them; null (and absent from JSON) when it has none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RecordHeader>? Headers { get; init; }

    public override string? ToText() => ProducerText.KeyValue(Key, Value, ValueLength) + ProducerText.HeaderText(Headers);
}

/// <summary>The client's local queue is full; the producer waits for room and retries that message (the course's BufferError branch).</summary>
public sealed record QueueFullEvent(long? AwaitingDelivery) : DemoEvent("queue_full", isPerMessage: true)
{
    public override string? ToText() => AwaitingDelivery is long n
        ? $"% Local producer queue is full ({n} messages awaiting delivery): try again"
        : "% Local producer queue is full (queue.buffering.max.messages reached): try again";
}

/// <summary>The settings a mode turns on, and why (idempotence implies acks=all, in-flight at most 5, retries).</summary>
public sealed record ProducerSettingsEvent(string Mode, IReadOnlyDictionary<string, string> Settings, string Why) : DemoEvent("producer_settings")
{
    public override string? ToText() =>
        $"{Mode} producer settings: {string.Join(", ", Settings.Select(s => $"{s.Key}={s.Value}"))}\n  {Why}";
}

internal static class ProducerText
{
    private const int MaxValueChars = 80;

    /// <param name="length">The value's real length when <paramref name="value"/> is only its start.</param>
    public static string KeyValue(string? key, string? value, int? length = null) => $"key={key ?? "null"}, value={(value is null ? "null" : Shorten(value, length))}";

    /// <summary>"  headers: a=1, b=2" after a message's line, as `consumed` prints them; nothing when it has none.</summary>
    public static string HeaderText(IReadOnlyList<RecordHeader>? headers) =>
        headers is { Count: > 0 } h ? "  headers: " + string.Join(", ", h.Select(x => $"{x.Key}={x.Value ?? "null"}")) : "";

    public static string Shorten(string value, int? length = null) =>
        value.Length <= MaxValueChars && length is null ? value : $"{value[..Math.Min(MaxValueChars, value.Length)]}... ({length ?? value.Length} chars)";
}
