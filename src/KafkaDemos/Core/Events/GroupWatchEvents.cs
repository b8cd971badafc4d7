using System.Globalization;
using System.Text.Json.Serialization;
using Confluent.Kafka;

namespace KafkaDemos.Core;

/// <summary>A member of the watched group as one refresh saw it.</summary>
public sealed record WatchedMember(
    string MemberId,
    string ClientId,
    IReadOnlyList<TopicPartition> Partitions,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Consumed,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? LastReportS,
    bool Stale);

/// <summary>
/// One partition of the watched group: its owner (member id, and client id), committed offset, log
/// end, lag and the records per second consumed since the previous refresh.
/// </summary>
public sealed record WatchedPartition(
    string Topic,
    int Partition,
    string? Owner,
    string? ClientId,
    long? Committed,
    long End,
    long? Lag,
    double? RecordsPerS)
{
    [JsonIgnore]
    public string Name => $"{Topic}-{Partition}";
}

/// <summary>A partition that changed owner in a rebalance; null means no owner (before the first, after the last member).</summary>
public sealed record PartitionMove(string Topic, int Partition, string? From, string? To, string? FromClient, string? ToClient);

/// <summary>
/// One refresh of `demo groups watch`: {"event":"group_state","group":...,"partitions":[...],...}.
/// <see cref="PartitionsFrom"/> says where the partition rows come from: "members" (the topics the live
/// members subscribe to or own), "committed_offsets" (other topics the group has committed offsets on:
/// with no live member, before the first consumer starts and after the last one stops, the only
/// source) and "topic_option" (--topic). <see cref="BrokerUnreachableSince"/> is set while no broker
/// answers: the state is then "Unknown" and the rest is the last picture seen.
/// </summary>
public sealed record GroupStateEvent(
    string Group,
    DateTime Time,
    string Source,
    string State,
    string? Protocol,
    string? Assignor,
    int? Generation,
    IReadOnlyList<WatchedMember> Members,
    IReadOnlyList<WatchedPartition> Partitions,
    IReadOnlyList<string> PartitionsFrom,
    DateTime? BrokerUnreachableSince) : DemoEvent("group_state", isData: true)
{
    /// <summary>Text mode draws the live view instead.</summary>
    public override string? ToText() => null;
}

/// <summary>
/// A completed rebalance: when ownership first changed, how long until every partition had exactly
/// one owner again, and which partitions moved from whom to whom.
/// </summary>
public sealed record RebalanceEvent(
    string Group,
    DateTime Started,
    DateTime Completed,
    double DurationS,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Generation,
    IReadOnlyList<PartitionMove> Moves) : DemoEvent("rebalance", isData: true)
{
    public override string? ToText() =>
        $"Rebalance at {Started.ToLocalTime():HH:mm:ss.f}: every partition owned again after {DurationS.ToString("0.0", CultureInfo.InvariantCulture)} s; " +
        (Moves.Count == 0 ? "nothing moved" : "moved " + string.Join(", ", Moves.Select(Describe)));

    public static string Describe(PartitionMove m) => $"{m.Topic}-{m.Partition} {Who(m.From, m.FromClient)} -> {Who(m.To, m.ToClient)}";

    public static string Who(string? member, string? client) => member is null ? "nobody" : $"{Short(member)} ({client})";

    /// <summary>Member ids are long ("rdkafka-8c1f...-..." or a UUID); the first 12 characters tell them apart on screen.</summary>
    public static string Short(string member) => member.Length > 12 ? member[..12] + "…" : member;
}
