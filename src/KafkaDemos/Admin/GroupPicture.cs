using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>
/// What a source says about the watched group at one refresh (as of <c>Time</c>, the moment its
/// rebalance timeline last looked): who owns what, the group's state,
/// protocol, assignor and generation, and the rebalances it saw complete since the previous refresh.
/// <c>Topics</c> are the topics the live members subscribe to or own; <c>Committed</c> the group's
/// committed offsets it read (the group API reads them all, the member reports those of the watched partitions).
/// </summary>
public sealed record GroupPicture(
    DateTime Time,
    string State,
    string? Protocol,
    string? Assignor,
    int? Generation,
    IReadOnlyList<WatchedMember> Members,
    IReadOnlyDictionary<string, PartitionOwner> Owners,
    IReadOnlyList<string> Topics,
    IReadOnlyDictionary<string, long> Positions,
    IReadOnlyDictionary<string, long> Committed,
    IReadOnlyList<RebalanceEvent> Rebalances);

/// <summary>Where `demo groups watch` learns about a group; it never joins the group it watches.</summary>
public interface IGroupSource : IDisposable
{
    /// <summary>What the view says about where its owners come from.</summary>
    string Description { get; }

    /// <summary>The "source" field of the JSON events: group_api or member_reports.</summary>
    string Name { get; }

    /// <summary>Reads what happened since the last call, for up to <paramref name="budget"/>, and returns the picture now.</summary>
    Task<GroupPicture> ReadAsync(IReadOnlyList<string> partitions, TimeSpan budget, CancellationToken cancel);

    /// <summary>The last completed rebalances, newest first.</summary>
    IReadOnlyList<RebalanceEvent> Timeline { get; }

    /// <summary>
    /// No broker answered from <paramref name="since"/> until <paramref name="until"/>: whoever could not
    /// report then is not thereby gone.
    /// </summary>
    void Unreachable(DateTime since, DateTime until);
}
