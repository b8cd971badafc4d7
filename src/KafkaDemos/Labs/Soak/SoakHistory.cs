using System.Runtime.CompilerServices;

namespace KafkaDemos.Labs.Soak;

/// <summary>Why a member stopped owning a partition.</summary>
public enum OwnershipEnd
{
    /// <summary>Revoked in a rebalance (another member joined or left).</summary>
    Revoked,

    /// <summary>Lost: the member fell out of the group (session timeout) and could not commit.</summary>
    Lost,

    /// <summary>The lab killed the process (kill -9): no commit, no Close().</summary>
    Killed,

    /// <summary>The lab stopped the process with SIGTERM: commit per strategy, then Close().</summary>
    Stopped,

    /// <summary>The process ended without the lab asking.</summary>
    Exited,
}

/// <summary>One member process's ownership of one partition, from its assigned event to whatever ended it.</summary>
public sealed record Ownership(int Process, int Partition, long StartSeq)
{
    public long? EndSeq { get; set; }

    public OwnershipEnd? End { get; set; }

    /// <summary>The member reported a refused commit for this partition while it owned it.</summary>
    public bool CommitRefused { get; set; }

    /// <summary>One past the highest offset the member processed in this ownership; 0 before the first.</summary>
    public long ProcessedEnd { get; set; }

    /// <summary>The member's client reset its position away from this offset (auto.offset.reset) while it owned the partition; the highest such.</summary>
    public long? ResetFrom { get; set; }
}

/// <summary>
/// A record a member reported processing: where it sits in the log, its number, and how long after it
/// was produced its line reached the lab (null without a timestamp). A struct: a long soak keeps millions.
/// </summary>
public readonly record struct Processing(long Seq, int Process, int Ownership, int Partition, long Offset, long Number, float? LatencyMs);

/// <summary>An offset a member reported as committed for a partition.</summary>
public readonly record struct CommitMark(long Seq, int Process, int Partition, long Offset);

/// <summary>
/// Everything the soak lab saw, in the order it arrived: acknowledgements from its producer, and
/// from every member process its assignments, processed records, commits and how it ended. Every
/// entry gets a sequence number, so the final check can ask what was committed before a member
/// was given a partition. Thread-safe: members' output and the producer's reports arrive on
/// their own threads.
/// </summary>
public sealed class SoakHistory
{
    private readonly Lock _lock = new();
    private readonly HashSet<long> _acked = [];
    private readonly List<Processing> _processings = [];
    private readonly List<CommitMark> _commits = [];
    private readonly List<Ownership> _ownerships = [];
    private readonly Dictionary<(int Process, int Partition), int> _open = [];
    private readonly Dictionary<(int Process, int Partition), int> _last = [];
    private readonly Dictionary<int, string> _processes = [];
    private readonly HashSet<long> _processedNumbers = [];
    private readonly Dictionary<int, long> _processedEnd = [];
    private long _seq;
    private long _failedDeliveries;
    private long _commitFailures;

    /// <summary>The producer was told the broker has record <paramref name="number"/>.</summary>
    public void Acked(long number)
    {
        lock (_lock) _acked.Add(number);
    }

    public void DeliveryFailed()
    {
        lock (_lock) _failedDeliveries++;
    }

    /// <summary>Names a member process ("consumer-2, pid 4711") for the reports.</summary>
    public void Started(int process, string label)
    {
        lock (_lock) _processes[process] = label;
    }

    public void Assigned(int process, IEnumerable<int> partitions)
    {
        lock (_lock)
        {
            long seq = ++_seq;
            foreach (int partition in partitions)
            {
                CloseLocked(process, partition, OwnershipEnd.Revoked, seq);
                _open[(process, partition)] = _last[(process, partition)] = _ownerships.Count;
                _ownerships.Add(new Ownership(process, partition, seq));
            }
        }
    }

    public void Released(int process, IEnumerable<int> partitions, OwnershipEnd end)
    {
        lock (_lock)
        {
            long seq = ++_seq;
            foreach (int partition in partitions) CloseLocked(process, partition, end, seq);
        }
    }

    /// <summary>The process is gone (killed, stopped, exited): every ownership it still held ends here.</summary>
    public void Ended(int process, OwnershipEnd end)
    {
        lock (_lock)
        {
            long seq = ++_seq;
            foreach (var key in _open.Keys.Where(k => k.Process == process).ToList()) CloseLocked(key.Process, key.Partition, end, seq);
        }
    }

    public void Processed(int process, int partition, long offset, long number, DateTime? produced)
    {
        float? latency = produced is DateTime p ? (float)(DateTime.UtcNow - p).TotalMilliseconds : null;
        lock (_lock)
        {
            // A line that arrives after its process was killed was written before: it belongs to the
            // ownership the kill ended. One without any assigned event first gets an ownership of its own.
            if (!_open.TryGetValue((process, partition), out int ownership) && !_last.TryGetValue((process, partition), out ownership))
            {
                ownership = _ownerships.Count;
                _open[(process, partition)] = _last[(process, partition)] = ownership;
                _ownerships.Add(new Ownership(process, partition, ++_seq));
            }
            _processings.Add(new Processing(++_seq, process, ownership, partition, offset, number, latency));
            if (offset + 1 > _ownerships[ownership].ProcessedEnd) _ownerships[ownership].ProcessedEnd = offset + 1;
            _processedNumbers.Add(number);
            if (offset + 1 > _processedEnd.GetValueOrDefault(partition)) _processedEnd[partition] = offset + 1;
        }
    }

    public void Committed(int process, int partition, long offset)
    {
        lock (_lock) _commits.Add(new CommitMark(++_seq, process, partition, offset));
    }

    public void CommitRefused(int process, IEnumerable<int> partitions)
    {
        lock (_lock)
        {
            _commitFailures++;
            foreach (int partition in partitions)
                if (_open.TryGetValue((process, partition), out int ownership)) _ownerships[ownership].CommitRefused = true;
        }
    }

    /// <summary>The member's client reset its position on the partition away from <paramref name="from"/> (auto.offset.reset).</summary>
    public void OffsetReset(int process, int partition, long from)
    {
        lock (_lock)
        {
            if (!_open.TryGetValue((process, partition), out int ownership)) return;
            var owned = _ownerships[ownership];
            owned.ResetFrom = Math.Max(owned.ResetFrom ?? 0, from);
        }
    }

    private void CloseLocked(int process, int partition, OwnershipEnd end, long seq)
    {
        if (!_open.Remove((process, partition), out int index)) return;
        _ownerships[index].EndSeq = seq;
        _ownerships[index].End = end;
    }

    /// <summary>The partitions some member owns right now.</summary>
    public IReadOnlySet<int> Owned()
    {
        lock (_lock) return _open.Keys.Select(k => k.Partition).ToHashSet();
    }

    /// <summary>The process that owns the partition right now, or null.</summary>
    public int? OwnerOf(int partition)
    {
        lock (_lock) return _open.Keys.Where(k => k.Partition == partition).Select(k => (int?)k.Process).FirstOrDefault();
    }

    /// <summary>Per partition owned right now, one past the highest offset its owner processed since it was given the partition.</summary>
    public IReadOnlyDictionary<int, long> OwnersProcessedEnd()
    {
        lock (_lock) return _open.ToDictionary(o => o.Key.Partition, o => _ownerships[o.Value].ProcessedEnd);
    }

    /// <summary>Per partition, one past the highest offset any member processed.</summary>
    public IReadOnlyDictionary<int, long> ProcessedEnd()
    {
        lock (_lock) return new Dictionary<int, long>(_processedEnd);
    }

    /// <summary>
    /// What the ledger holds and about how much memory that takes: the lists' arrays (their capacity, as
    /// allocated) and about 24 bytes per number in each of the two sets.
    /// </summary>
    public (long Processings, long Numbers, long Bytes) Size()
    {
        lock (_lock)
        {
            long bytes = (long)_processings.Capacity * Unsafe.SizeOf<Processing>() + (long)_commits.Capacity * Unsafe.SizeOf<CommitMark>()
                         + 24L * (_acked.Count + _processedNumbers.Count);
            return (_processings.Count, _acked.Count, bytes);
        }
    }

    /// <summary>Running figures for the live display.</summary>
    public SoakCounts Counts()
    {
        lock (_lock)
        {
            return new SoakCounts(_acked.Count, _failedDeliveries, _processedNumbers.Count,
                _acked.Count(n => !_processedNumbers.Contains(n)), _commits.Count, _commitFailures);
        }
    }

    public SoakSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new SoakSnapshot(_acked.ToArray(), _failedDeliveries, _processings.ToList(), _commits.ToList(),
                _ownerships.Select(o => o with { }).ToList(), new Dictionary<int, string>(_processes), _commitFailures);
        }
    }
}

/// <summary>Running figures: acknowledged, failed deliveries, distinct numbers processed, acknowledged not yet processed, commits.</summary>
public sealed record SoakCounts(long Acked, long FailedDeliveries, long ProcessedDistinct, long Pending, long Commits, long CommitFailures);

/// <summary>A copy of the history for the final check.</summary>
public sealed record SoakSnapshot(
    IReadOnlyCollection<long> Acked,
    long FailedDeliveries,
    IReadOnlyList<Processing> Processings,
    IReadOnlyList<CommitMark> Commits,
    IReadOnlyList<Ownership> Ownerships,
    IReadOnlyDictionary<int, string> Processes,
    long CommitFailures);
