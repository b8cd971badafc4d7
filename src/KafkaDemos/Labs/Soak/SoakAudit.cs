namespace KafkaDemos.Labs.Soak;

/// <summary>One partition as the broker has it at the end: the log's start and end, and the group's committed offset.</summary>
public sealed record LogPartition(int Partition, long Low, long High, long? Committed);

/// <summary>A record processed more than once that no event explains, and what the lab knew about it.</summary>
public sealed record UnexplainedDuplicate(long Number, int Partition, long Offset, string Why);

/// <summary>The soak lab's final figures and verdicts, all computed from the history and the log.</summary>
public sealed record SoakVerdict(
    long Acked,
    long FailedDeliveries,
    long ProcessedDistinct,
    long Lost,
    IReadOnlyList<long> LostSample,
    long Duplicates,
    IReadOnlyDictionary<string, long> ExplainedBy,
    IReadOnlyList<UnexplainedDuplicate> Unexplained,
    long LogRecords,
    long LogUnprocessed,
    IReadOnlyList<string> LogUnprocessedSample,
    IReadOnlyList<LogPartition> Partitions,
    TimeSpan? MaxProduceToProcess,
    long CommitFailures)
{
    public long UnexplainedCount => Unexplained.Count;

    public bool CommittedAtLogEnd => Partitions.All(p => p.High == p.Low ? p.Committed is null || p.Committed == p.High : p.Committed == p.High);
}

/// <summary>
/// The final check of the soak lab, a pure function of what it recorded and what the broker holds:
/// <list type="bullet">
/// <item>lost: acknowledged records that no member reported processing (must be 0);</item>
/// <item>duplicates: every processing of a record after its first, each explained by an event or listed;</item>
/// <item>the log: every record between each partition's start and end was processed by some member;</item>
/// <item>the group's committed offset of every partition is at the log end.</item>
/// </list>
/// A record processed again is explained when it lies at or after the partition's committed offset
/// at the moment its new owner was given the partition (that owner starts there), and the earlier
/// owner's hold on the partition ended by an event: a kill, a stop, a rebalance, a lost session,
/// possibly with a refused commit. A number the log holds at two offsets was written twice by the
/// broker (a resent batch) and is explained by that. A record processed again below the committed
/// offset is explained only when its new owner reported an offset reset from above it; otherwise it,
/// and one processed again while its first owner still held the partition, is unexplained.
/// </summary>
public static class SoakAudit
{
    private const int SampleSize = 10;

    public static SoakVerdict Check(SoakSnapshot history, IReadOnlyList<LogPartition> log, IReadOnlyList<StoredRecord> stored)
    {
        var byNumber = history.Processings.GroupBy(p => p.Number).ToDictionary(g => g.Key, g => g.OrderBy(p => p.Seq).ToList());
        var lost = history.Acked.Where(n => !byNumber.ContainsKey(n)).Order().ToList();

        var commits = history.Commits.GroupBy(c => c.Partition).ToDictionary(g => g.Key, g => new CommitLine(g));
        var explained = new Dictionary<string, long>();
        var unexplained = new List<UnexplainedDuplicate>();
        long duplicates = 0;
        foreach (var processings in byNumber.Values)
        {
            for (int i = 1; i < processings.Count; i++)
            {
                duplicates++;
                string? why = Explain(processings[i - 1], processings[i], history, commits, out string cause);
                if (why is null) explained[cause] = explained.GetValueOrDefault(cause) + 1;
                else unexplained.Add(new UnexplainedDuplicate(processings[i].Number, processings[i].Partition, processings[i].Offset, why));
            }
        }

        var processedAt = history.Processings.Select(p => (p.Partition, p.Offset)).ToHashSet();
        var unprocessed = stored.Where(r => !processedAt.Contains((r.Partition, r.Offset))).ToList();
        var latencies = history.Acked.Where(byNumber.ContainsKey)
            .Select(n => byNumber[n][0].LatencyMs)
            .OfType<float>()
            .ToList();

        return new SoakVerdict(
            history.Acked.Count,
            history.FailedDeliveries,
            byNumber.Count,
            lost.Count,
            lost.Take(SampleSize).ToList(),
            duplicates,
            explained,
            unexplained,
            stored.Count,
            unprocessed.Count,
            unprocessed.Take(SampleSize).Select(r => $"{r.Partition}@{r.Offset}").ToList(),
            log,
            latencies.Count == 0 ? null : TimeSpan.FromMilliseconds(latencies.Max()),
            history.CommitFailures);
    }

    /// <summary>Null when the second processing is explained (the cause is set), else why not.</summary>
    private static string? Explain(Processing earlier, Processing again, SoakSnapshot history, Dictionary<int, CommitLine> commits, out string cause)
    {
        if (earlier.Partition != again.Partition || earlier.Offset != again.Offset)
        {
            cause = "written twice by the broker (a resent batch)";
            return null;
        }
        cause = "";
        var before = history.Ownerships[earlier.Ownership];
        var now = history.Ownerships[again.Ownership];
        if (earlier.Ownership == again.Ownership)
            return "processed twice by the same member without losing the partition in between";
        if (before.End is not OwnershipEnd end)
            return $"{Label(history, before.Process)} still owned partition {before.Partition} when {Label(history, now.Process)} processed it again";
        long committed = commits.TryGetValue(again.Partition, out var line) ? line.Before(now.StartSeq) : 0;
        if (again.Offset < committed)
        {
            if (now.ResetFrom is not long from || again.Offset >= from)
                return $"the group had committed offset {committed} of partition {again.Partition} when {Label(history, now.Process)} was given it";
            cause = ResetCause;
            return null;
        }
        cause = Describe(end) + (before.CommitRefused ? ", after a refused commit" : "");
        return null;
    }

    /// <summary>
    /// A new owner that resumes below the committed offset is explained only by its client saying it reset
    /// the position: on the embedded broker, after a leader move with no record written since (its offset
    /// validation answers "no such epoch" and librdkafka falls back to auto.offset.reset; Apache Kafka answers
    /// with the epoch's end, and nothing is read again).
    /// </summary>
    public const string ResetCause = "its new owner's client reset the position to auto.offset.reset (an offset reset it reported)";

    private static string Label(SoakSnapshot history, int process) => history.Processes.GetValueOrDefault(process, $"process {process}");

    public static string Describe(OwnershipEnd end) => end switch
    {
        OwnershipEnd.Killed => "its owner was killed (kill -9) before committing",
        OwnershipEnd.Stopped => "its owner was stopped (SIGTERM) before committing",
        OwnershipEnd.Revoked => "its owner lost it in a rebalance before committing",
        OwnershipEnd.Lost => "its owner fell out of the group before committing",
        _ => "its owner exited before committing",
    };

    /// <summary>One partition's commits in arrival order, with the highest offset so far: where a new owner starts.</summary>
    private sealed class CommitLine
    {
        private readonly long[] _seqs;
        private readonly long[] _highest;

        public CommitLine(IEnumerable<CommitMark> marks)
        {
            var ordered = marks.OrderBy(m => m.Seq).ToList();
            _seqs = ordered.Select(m => m.Seq).ToArray();
            _highest = new long[ordered.Count];
            for (int i = 0; i < ordered.Count; i++) _highest[i] = Math.Max(i > 0 ? _highest[i - 1] : 0, ordered[i].Offset);
        }

        /// <summary>The highest offset committed before sequence number <paramref name="seq"/> (0: nothing).</summary>
        public long Before(long seq)
        {
            int at = Array.BinarySearch(_seqs, seq);
            int count = at >= 0 ? at : ~at;
            return count == 0 ? 0 : _highest[count - 1];
        }
    }
}
