using System.Text.Json.Serialization;
using Confluent.Kafka;

namespace KafkaDemos.Core;

/// <summary>A partition and an offset in the JSON output: {"topic":"t","partition":0,"offset":53}.</summary>
public sealed record PartitionOffset(string Topic, int Partition, long Offset)
{
    public static PartitionOffset From(TopicPartitionOffset tpo) => new(tpo.Topic, tpo.Partition.Value, tpo.Offset.Value);

    /// <summary>The course's form: "ak03.test-0 {offset=53}".</summary>
    public override string ToString() => $"{Topic}-{Partition} {{offset={Offset}}}";
}

/// <summary>Events every consumer emits; <c>member</c> names the consumer when several run in one process.</summary>
public abstract record ConsumerEvent : DemoEvent
{
    protected ConsumerEvent(string name, bool isData = false, bool isPerMessage = false) : base(name, isData, isPerMessage)
    {
    }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull), JsonPropertyOrder(-90)]
    public string? Member { get; init; }

    protected string Prefix => Member is null ? "" : $"[{Member}] ";

    /// <summary>The course's partition list: "[ak03.fourpartition-0, ak03.fourpartition-1]".</summary>
    public static string List(IEnumerable<string> partitions) => "[" + string.Join(", ", partitions) + "]";

    public static string List(IEnumerable<TopicPartition> partitions) => List(partitions.Select(TopicPartitionJsonConverter.Format));

    /// <summary>The partitions in the course's order: by topic, then by number.</summary>
    public static IReadOnlyList<TopicPartition> Sorted(IEnumerable<TopicPartition> partitions) =>
        partitions.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition.Value).ToList();
}

/// <summary>One record, printed as the course does: "ak03.fourpartition-0-56 : (47 , msg_47)".</summary>
public sealed record ConsumedEvent(string Topic, int Partition, long Offset, string? Key, string? Value, DateTime? Timestamp)
    : ConsumerEvent("consumed", isData: true, isPerMessage: true)
{
    /// <summary>The record's headers, in order, values as UTF-8 text (a value that is not is shown in base64); null when it has none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<RecordHeader>? Headers { get; init; }

    /// <summary>
    /// Kafka's name for what the timestamp is: CreateTime (the producer's clock), LogAppendTime (the
    /// broker's, when the topic says so) or NotAvailable (then <see cref="Timestamp"/> is null).
    /// </summary>
    public string TimestampType { get; init; } = Timestamps.NotAvailable;

    /// <summary>The timestamp in milliseconds since the epoch, as Kafka carries it (kcat's %T); null when there is none.</summary>
    public long? TimestampMs => Timestamp is { } t ? (t.ToUniversalTime() - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond : null;

    /// <summary>The line's shape given with --format; null: the course's line.</summary>
    [JsonIgnore]
    public RecordFormat? Format { get; init; }

    public override string? ToText() => Format is not null ? Format.Render(this) : $"{Prefix}{Topic}-{Partition}-{Offset} : ({Key ?? "null"} , {Value ?? "null"})" +
        (Headers is { Count: > 0 } h ? "  headers: " + string.Join(", ", h.Select(x => $"{x.Key}={x.Value ?? "null"}")) : "");

    /// <summary>Kafka's names of the timestamp types, one string each, so a record costs no allocation for it.</summary>
    public static class Timestamps
    {
        public const string CreateTime = "CreateTime";
        public const string LogAppendTime = "LogAppendTime";
        public const string NotAvailable = "NotAvailable";

        public static string Of(Confluent.Kafka.TimestampType type) => type switch
        {
            Confluent.Kafka.TimestampType.CreateTime => CreateTime,
            Confluent.Kafka.TimestampType.LogAppendTime => LogAppendTime,
            _ => NotAvailable,
        };
    }

    /// <summary>Headers as the event carries them; null for none, so a record without headers prints and serializes as before.</summary>
    public static IReadOnlyList<RecordHeader>? From(Headers? headers)
    {
        if (headers is null || headers.Count == 0) return null;
        var list = new List<RecordHeader>(headers.Count);
        foreach (var header in headers) list.Add(RecordHeader.From(header.Key, header.GetValueBytes()));
        return list;
    }
}

/// <summary>One record header: its key and its value as text (base64 with <c>Base64</c> true when the bytes are not UTF-8).</summary>
public sealed record RecordHeader(string Key, string? Value, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Base64 = false)
{
    private static readonly System.Text.UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    public static RecordHeader From(string key, byte[]? value)
    {
        if (value is null) return new(key, null);
        try { return new(key, Strict.GetString(value)); }
        catch (System.Text.DecoderFallbackException) { return new(key, Convert.ToBase64String(value), Base64: true); }
    }
}

/// <summary>
/// A record's work (--process-delay) is done: from now on its offset + 1 may be committed. Sent only
/// when there is work apart from the printing, and not for a record whose work a crash cut short; no text line.
/// </summary>
public sealed record ProcessedEvent(string Topic, int Partition, long Offset) : ConsumerEvent("processed", isPerMessage: true)
{
    public override string? ToText() => null;
}

/// <summary>The course's on_assign: "Setting newly assigned partitions: [...]".</summary>
public sealed record AssignedEvent(IReadOnlyList<TopicPartition> Partitions) : ConsumerEvent("assigned")
{
    public override string? ToText() => $"{Prefix}Setting newly assigned partitions: {List(Partitions)}";
}

/// <summary>The course's on_revoke: "Revoking previously assigned partitions: [...]".</summary>
public sealed record RevokedEvent(IReadOnlyList<TopicPartition> Partitions) : ConsumerEvent("revoked")
{
    public override string? ToText() => $"{Prefix}Revoking previously assigned partitions: {List(Partitions)}";
}

/// <summary>Ownership lost without a revoke (the member fell out of the group): nothing may be committed for these.</summary>
public sealed record LostEvent(IReadOnlyList<TopicPartition> Partitions) : ConsumerEvent("lost")
{
    public override string? ToText() => $"{Prefix}Lost previously assigned partitions: {List(Partitions)}";
}

/// <summary>
/// Offsets the group coordinator accepted: "# Committed offsets for: ak03.test-0 {offset=53}", one status line (stderr: the records alone are data)
/// for each partition, as the course's print_commit_result. <c>how</c> says which call committed them.
/// </summary>
public sealed record CommittedEvent(string How, IReadOnlyList<PartitionOffset> Offsets) : ConsumerEvent("committed")
{
    public override string? ToText() => string.Join(Environment.NewLine, Offsets.Select(o => $"{Prefix}# Committed offsets for: {o} ({How})"));
}

/// <summary>
/// A commit the coordinator refused or that got no answer: "# Failed to commit offsets: err: [t-0 {offset=5}]",
/// naming the offsets it tried to commit, and what follows when the refusal is a normal one (a rebalance).
/// </summary>
public sealed record CommitFailedEvent(
    string How,
    string Error,
    IReadOnlyList<PartitionOffset> Offsets,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Note = null) : ConsumerEvent("commit_failed")
{
    public override string? ToText() =>
        $"{Prefix}# Failed to commit offsets: {Error}: {List(Offsets.Select(o => o.ToString()))} ({How})" + (Note is null ? "" : $"{Environment.NewLine}{Prefix}  {Note}");
}

/// <summary>A record that could not be processed (not valid JSON in --json mode): reported, counted, committed past.</summary>
public sealed record SkippedEvent(string Topic, int Partition, long Offset, string Reason) : ConsumerEvent("skipped")
{
    public override string? ToText() => $"{Prefix}Skipped {Topic}-{Partition}-{Offset}: {Reason}";
}

/// <summary>
/// The client moved a partition's position by auto.offset.reset because the broker could not serve
/// it (out of range, or a log it judged truncated): records are read again (earliest) or skipped
/// (latest). librdkafka says so only in a log line; <see cref="OffsetResetLog"/> turns that into this.
/// </summary>
/// <param name="From">The offset it was at or meant to resume from (a committed offset); null when it had none.</param>
/// <param name="To">Where it restarts: "beginning", "end" or an offset.</param>
public sealed record OffsetResetEvent(string Topic, int Partition, long? From, string To, string Reason) : ConsumerEvent("offset_reset")
{
    public override string? ToText() =>
        $"{Prefix}Offset reset: {Topic}-{Partition} restarts at {(To is "beginning" or "end" ? "the " + To : "offset " + To)}" +
        $"{(From is long f ? $", not at offset {f}" : "")} (auto.offset.reset): {Reason}";
}
