using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>An owner of a partition: the member id and the client id it connected with.</summary>
public sealed record PartitionOwner(string MemberId, string ClientId);

/// <summary>
/// Turns a sequence of ownership observations into rebalances. The group is settled when every
/// partition has exactly one owner and no member is still waiting for its first assignment; the
/// first observation that breaks that starts a rebalance, and the next settled one completes it:
/// its duration is the time until every partition had an owner again, its moves compare the owners
/// before and after.
/// </summary>
public sealed class RebalanceTimeline(string group, int keep = 5)
{
    private readonly List<RebalanceEvent> _recent = [];
    private Dictionary<string, PartitionOwner>? _settled;
    private DateTime? _started;
    private DateTime? _lastTime;

    /// <summary>The last completed rebalances, newest first.</summary>
    public IReadOnlyList<RebalanceEvent> Recent => _recent;

    /// <summary>True while a rebalance has started and not yet completed.</summary>
    public bool InProgress => _started is not null;

    /// <summary>
    /// Records what owned what at <paramref name="time"/> (partition name -> its owners, every watched
    /// partition present; <paramref name="members"/> live members, <paramref name="membersPending"/>
    /// when one still waits for its first assignment); returns the rebalance this observation completed, if any.
    /// </summary>
    public RebalanceEvent? Observe(DateTime time, IReadOnlyDictionary<string, IReadOnlyList<PartitionOwner>> owners, int members, bool membersPending, int? generation)
    {
        var previous = _lastTime;
        _lastTime = time;
        // A group without members owns nothing, and that is settled too: the first member's join is a rebalance.
        bool empty = members == 0 && owners.Values.All(o => o.Count == 0);
        bool settled = empty || (!membersPending && owners.Count > 0 && owners.Values.All(o => o.Count == 1));
        if (!settled)
        {
            _started ??= time;
            return null;
        }
        var now = owners.Where(o => o.Value.Count == 1).ToDictionary(o => o.Key, o => o.Value[0]);
        if (_started is null)
        {
            if (_settled is null || SameOwners(_settled, now))
            {
                // The first settled picture is the starting point, not a rebalance this watch saw.
                _settled ??= now;
                return null;
            }
            // Owners changed between two observations (a source polled once a second): it started after the previous one.
            _started = previous ?? time;
        }

        var before = _settled ?? [];
        var moves = now.Keys.Union(before.Keys)
            .Where(p => !Equals(before.GetValueOrDefault(p), now.GetValueOrDefault(p)))
            .Select(p => Move(p, before.GetValueOrDefault(p), now.GetValueOrDefault(p)))
            .OrderBy(m => m.Topic, StringComparer.Ordinal).ThenBy(m => m.Partition)
            .ToList();
        var started = _started.Value;
        var completed = new RebalanceEvent(group, started, time, Math.Round(Math.Max(0, (time - started).TotalSeconds), 2), generation, moves);
        _recent.Insert(0, completed);
        if (_recent.Count > keep) _recent.RemoveAt(_recent.Count - 1);
        _settled = now;
        _started = null;
        return completed;
    }

    private static bool SameOwners(Dictionary<string, PartitionOwner> a, Dictionary<string, PartitionOwner> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var o) && o == p.Value);

    private static PartitionMove Move(string partition, PartitionOwner? from, PartitionOwner? to)
    {
        var tp = WatchConsumer.Parse(partition);
        return new PartitionMove(tp.Topic, tp.Partition.Value, from?.MemberId, to?.MemberId, from?.ClientId, to?.ClientId);
    }
}
