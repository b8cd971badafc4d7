using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>What this member owns: the course's on_assign, on_revoke and on-lost lines, and the bookkeeping behind them.</summary>
public sealed partial class ConsumerReport
{
    /// <summary>The course's print_assignment: "Setting newly assigned partitions: [...]". They start from the group's committed offsets.</summary>
    public void Assigned(IEnumerable<TopicPartition> partitions)
    {
        var list = partitions.ToList();
        lock (_lock)
        {
            _assignment.UnionWith(list);
            foreach (var p in list)
            {
                _processed.Remove(p);
                _printed.Remove(p);
            }
        }
        Emit(new AssignedEvent(ConsumerEvent.Sorted(list)));
        _status?.Assigned(list);
    }

    /// <summary>
    /// A read without a group assigned itself these partitions: the course's assignment line, then
    /// where each starts and why, so the reader sees which offsets the records that follow come from.
    /// </summary>
    public void AssignedWithoutGroup(IReadOnlyList<(TopicPartitionOffset Start, string How)> starts)
    {
        Assigned(starts.Select(s => s.Start.TopicPartition));
        foreach (var (start, how) in starts)
            _reporter.Emit(new InfoEvent($"{Who}{start.Topic}-{start.Partition.Value}: {how}"));
    }

    /// <summary>
    /// "Revoking previously assigned partitions: [...]": they move to another member. Their
    /// processed offsets stay readable through <see cref="Processed"/> for a commit in the same
    /// handler, but no later commit includes them.
    /// </summary>
    public void Revoked(IEnumerable<TopicPartitionOffset> partitions)
    {
        var list = LetGo(partitions, p => new RevokedEvent(p));
        _status?.Revoked(list);
    }

    /// <summary>Ownership lost without a revoke (the member fell out of the group): another member may own them already, so nothing is committed for them.</summary>
    public void Lost(IEnumerable<TopicPartitionOffset> partitions)
    {
        var list = LetGo(partitions, p => new LostEvent(p));
        _status?.Lost(list);
    }

    private List<TopicPartition> LetGo(IEnumerable<TopicPartitionOffset> partitions, Func<IReadOnlyList<TopicPartition>, ConsumerEvent> line)
    {
        var list = partitions.Select(p => p.TopicPartition).ToList();
        Emit(line(ConsumerEvent.Sorted(list)));
        lock (_lock)
        {
            _assignment.ExceptWith(list);
            _atEnd.ExceptWith(list);
        }
        return list;
    }
}
