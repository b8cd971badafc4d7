using Confluent.Kafka;
using KafkaDemos.Consumers;
using KafkaDemos.Core;

namespace KafkaDemos.Labs;

/// <summary>
/// Who owns which partition, replayed from the members' own assigned, revoked and lost events
/// (in-process consumers, or child processes' JSON lines). Every event gets a sequence number,
/// so a lab can ask whether a member was given its assignment after a given change.
/// </summary>
public sealed class AssignmentBoard
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HashSet<TopicPartition>> _owned = [];
    private readonly Dictionary<string, long> _lastAssigned = [];
    private long _sequence;

    /// <summary>The number of the last event recorded; events after a change have higher numbers.</summary>
    public long Sequence
    {
        get { lock (_lock) return _sequence; }
    }

    /// <summary>Records an assignment event of <paramref name="member"/>; returns false for any other event.</summary>
    public bool Record(string member, ConsumerEvent e)
    {
        lock (_lock)
        {
            if (!Apply(Owned(member), e)) return false;
            if (e is AssignedEvent) _lastAssigned[member] = ++_sequence;
            else _sequence++;
            return true;
        }
    }

    /// <summary>
    /// The one replay of ownership: applies an assigned, revoked or lost event to the set of
    /// partitions a member owns; false (and nothing changed) for any other event.
    /// </summary>
    public static bool Apply(ISet<TopicPartition> owned, ConsumerEvent e)
    {
        switch (e)
        {
            case AssignedEvent a:
                owned.UnionWith(a.Partitions);
                return true;
            case RevokedEvent r:
                owned.ExceptWith(r.Partitions);
                return true;
            case LostEvent l:
                owned.ExceptWith(l.Partitions);
                return true;
            default:
                return false;
        }
    }

    public IReadOnlySet<TopicPartition> Partitions(string member)
    {
        lock (_lock) return Owned(member).ToHashSet();
    }

    /// <summary>True when <paramref name="member"/> got an assignment (even an empty one) after event number <paramref name="sequence"/>.</summary>
    public bool AssignedSince(string member, long sequence)
    {
        lock (_lock) return _lastAssigned.TryGetValue(member, out long last) && last > sequence;
    }

    private HashSet<TopicPartition> Owned(string member)
    {
        if (!_owned.TryGetValue(member, out var owned)) _owned[member] = owned = [];
        return owned;
    }
}
