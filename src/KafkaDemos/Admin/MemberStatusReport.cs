using System.Text.Json;
using System.Text.Json.Serialization;

namespace KafkaDemos.Admin;

/// <summary>
/// What a `demo consume` member says about itself on the status topic: who it is, which partitions
/// the group gave it and how far it has read them. `demo groups watch` reads these on brokers that
/// cannot describe a group's members (the embedded broker has no DescribeGroups), so the owners it
/// shows there are what each member was told by the group, not a guess.
/// </summary>
public sealed record MemberStatusReport
{
    /// <summary>The topic every member reports to unless --status-topic names another.</summary>
    public const string DefaultTopic = "__demo.member-status";

    /// <summary>Members repeat their state this often, so a new watcher learns it within a second.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    public required string Group { get; init; }

    /// <summary>Identifies one run of one member; stable while the group's member id is not yet known or changes.</summary>
    public required string Instance { get; init; }

    /// <summary>The member id the group coordinator gave it (empty before it joined).</summary>
    public required string MemberId { get; init; }

    public required string ClientId { get; init; }

    /// <summary>The member's name when several run in one process (labs), else null.</summary>
    public string? Name { get; init; }

    public int Pid { get; init; }

    public required string Host { get; init; }

    /// <summary>group.protocol: classic or consumer.</summary>
    public required string Protocol { get; init; }

    /// <summary>The configured assignor (partition.assignment.strategy, or group.remote.assignor under the consumer protocol).</summary>
    public string? Assignor { get; init; }

    /// <summary>The group generation the member is in (its member epoch under the consumer protocol).</summary>
    public int? Generation { get; init; }

    /// <summary>joining, assigned, revoked, lost, heartbeat or left.</summary>
    public required string Change { get; init; }

    public required IReadOnlyList<string> Topics { get; init; }

    /// <summary>The partitions it owns now, each with its position (the next offset it will read; null before its first fetch).</summary>
    public required IReadOnlyList<ReportedPartition> Partitions { get; init; }

    /// <summary>Records it has consumed since it started, as its run counts them (the consumed of its own summary).</summary>
    public long Consumed { get; init; }

    public required DateTime Time { get; init; }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>The report in a status record, or null when the record is not one (another tool's record on the topic).</summary>
    public static MemberStatusReport? Parse(byte[]? value)
    {
        if (value is null) return null;
        try
        {
            var report = JsonSerializer.Deserialize<MemberStatusReport>(value, Json);
            return report is { Group.Length: > 0, Instance.Length: > 0 } ? report : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

/// <summary>One owned partition in a member's report.</summary>
public sealed record ReportedPartition(string Topic, int Partition, long? Position)
{
    [JsonIgnore]
    public string Name => $"{Topic}-{Partition}";
}
