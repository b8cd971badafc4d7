using Confluent.Kafka;

namespace KafkaDemos.Core;

/// <summary>
/// A record written to the database, in the course's words: "{"num": 7} added to testnum". Every
/// one is shown (data, stdout); <c>position</c> is the position stored with it (`--commit db`).
/// </summary>
public sealed record RowAddedEvent(string Topic, int Partition, long Offset, string? Key, string Value, string Table, long? Position)
    : DemoEvent("row_added", isData: true)
{
    public override string? ToText() =>
        $"{Value} added to {Table} ({Topic}-{Partition}-{Offset}{(Position is long p ? $", position {p} stored with it" : "")})";
}

/// <summary>A record whose position is already past it in the database: it was written before and is not written again.</summary>
public sealed record AlreadyStoredEvent(string Topic, int Partition, long Offset, string Table) : DemoEvent("already_stored", isData: true)
{
    public override string? ToText() => $"{Topic}-{Partition}-{Offset} is already in {Table}: not written again";
}

/// <summary>
/// A record that is not JSON: no row, shown with its value, counted in the summary. Its name is
/// "record_skipped" (it was "skipped", the consumer's SkippedEvent's name): one name, one shape.
/// </summary>
public sealed record RecordSkippedEvent(string Topic, int Partition, long Offset, string? Key, string? Value, string Reason)
    : DemoEvent("record_skipped", isData: true)
{
    public override string? ToText() => $"Skipped {Topic}-{Partition}-{Offset} : ({Key ?? "null"} , {Value ?? "null"}): {Reason}";
}

/// <summary>
/// Where `--commit db` starts each newly assigned partition: the position stored with the rows, or,
/// where none is stored yet, where auto.offset.reset says.
/// </summary>
public sealed record ResumingEvent(string Table, IReadOnlyList<PartitionOffset> Stored, IReadOnlyList<TopicPartition> NoneStored, string Reset)
    : DemoEvent("resuming")
{
    public override string? ToText()
    {
        var parts = new List<string>();
        if (Stored.Count > 0) parts.Add($"stored positions {ConsumerEvent.List(Stored.Select(p => p.ToString()))}");
        if (NoneStored.Count > 0) parts.Add($"{ConsumerEvent.List(NoneStored)} from the {Reset} (no position stored yet)");
        return $"Resuming from the database ({Table}): {string.Join("; ", parts)}";
    }
}
