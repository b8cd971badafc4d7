using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Consumers;
using KafkaDemos.Core;

namespace KafkaDemos.Labs.Rebalance;

/// <summary>
/// What a rebalance cost the members, from their own events timed as they arrive: how long each
/// member owned nothing while the group rebalanced (it had partitions, and had to stop consuming),
/// and which records were processed a second time (the same partition and offset consumed again).
/// </summary>
public sealed class RebalanceMeasure
{
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Dictionary<string, HashSet<TopicPartition>> _owned = [];
    private readonly Dictionary<string, List<(TimeSpan At, int Owned)>> _history = [];
    private readonly HashSet<(string Topic, int Partition, long Offset)> _seen = [];
    private long _twice;
    private TimeSpan _lastChange;

    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Records processed more than once so far.</summary>
    public long ProcessedTwice
    {
        get { lock (_lock) return _twice; }
    }

    /// <summary>When a member's assignment last changed (assigned, revoked or lost).</summary>
    public TimeSpan LastChange
    {
        get { lock (_lock) return _lastChange; }
    }

    public void Record(string member, ConsumerEvent e)
    {
        lock (_lock)
        {
            if (e is ConsumedEvent c)
            {
                if (!_seen.Add((c.Topic, c.Partition, c.Offset))) _twice++;
                return;
            }
            if (!_owned.TryGetValue(member, out var owned)) _owned[member] = owned = [];
            if (!AssignmentBoard.Apply(owned, e)) return;
            _lastChange = _clock.Elapsed;
            if (!_history.TryGetValue(member, out var history)) _history[member] = history = [];
            history.Add((_lastChange, owned.Count));
        }
    }

    /// <summary>
    /// For each of <paramref name="members"/> that owned partitions at <paramref name="from"/>: the time
    /// within [from, to] during which it owned none (it stopped consuming until the group gave it work again).
    /// </summary>
    public Dictionary<string, TimeSpan> Paused(IEnumerable<string> members, TimeSpan from, TimeSpan to)
    {
        lock (_lock)
        {
            var paused = new Dictionary<string, TimeSpan>();
            foreach (string member in members)
            {
                var history = _history.GetValueOrDefault(member) ?? [];
                int owned = history.LastOrDefault(h => h.At <= from).Owned;
                if (owned == 0) continue;
                var total = TimeSpan.Zero;
                TimeSpan? idleSince = null;
                foreach (var (at, count) in history.Where(h => h.At > from && h.At <= to))
                {
                    if (count == 0) idleSince ??= at;
                    else if (idleSince is TimeSpan s)
                    {
                        total += at - s;
                        idleSince = null;
                    }
                }
                if (idleSince is TimeSpan open) total += to - open;
                paused[member] = total;
            }
            return paused;
        }
    }
}
