using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Sink;

/// <summary>One record as the sink stores it: where it came from, its key, and its JSON value.</summary>
public sealed record SinkRow(string Topic, int Partition, long Offset, string? Key, string Value)
{
    public static SinkRow From(ConsumeResult<string?, string?> record, string json) =>
        new(record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key, json);
}

/// <summary>What a write with the consumer's position did.</summary>
public enum PositionedWrite
{
    /// <summary>The row (if any) and the new position were stored together.</summary>
    Stored,

    /// <summary>The stored position is already past this record: it was written before, nothing was written again.</summary>
    AlreadyStored,
}

/// <summary>
/// A database the sink writes into: a table (SQLite) or collection (MongoDB) named after the
/// topic, plus the consumer's positions for the `--commit db` mode.
/// </summary>
public interface ISinkTarget : IDisposable
{
    /// <summary>The table or collection the rows go to (the course's <c>my_collection</c>).</summary>
    string Table { get; }

    /// <summary>For messages: "table testnum in numbers.db".</summary>
    string Description { get; }

    /// <summary>The course's <c>collection.insert_one(message)</c>: one more row, whatever was written before.</summary>
    void Insert(SinkRow row);

    /// <summary>
    /// Writes <paramref name="row"/> (null: a skipped record, no row) and the position after
    /// <paramref name="record"/> as one unit, unless the stored position is already past it.
    /// </summary>
    PositionedWrite WriteWithPosition(SinkRow? row, TopicPartitionOffset record);

    /// <summary>The stored position (next offset to read) of each partition of <paramref name="topic"/> that has one.</summary>
    IReadOnlyDictionary<int, long> Positions(string topic);
}

/// <summary>A write the database refused or did not answer (exit 1): the sink stops, and says what was kept.</summary>
public sealed class SinkWriteException(string message, Exception inner) : DemoException(message, ExitCodes.Failed, inner);
