using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>
/// The reporting side of the commits a strategy makes in its own file: what to commit, whether to
/// try a refused commit again, and the course's lines for the results:
/// "# Committed offsets for: t-0 {offset=53}" and "# Failed to commit offsets: ...".
/// </summary>
public sealed partial class ConsumerReport
{
    /// <summary>
    /// "Last processed offset + 1" of each partition that moved since this member's last commit:
    /// every owned partition, or only <paramref name="partitions"/> (a revoke handler's).
    /// Only records whose lines reached the output count: the buffered lines are written out first,
    /// and once stdout's reader has gone (`| head`), nothing past the last line written is offered.
    /// </summary>
    public List<TopicPartitionOffset> Processed(IEnumerable<TopicPartitionOffset>? partitions = null)
    {
        bool allPrinted = _reporter.FlushOutput();
        lock (_lock)
        {
            if (allPrinted)
            {
                foreach (var (tp, offset) in _processed) _printed[tp] = offset;
            }
            var which = partitions?.Select(p => p.TopicPartition).ToHashSet() ?? _assignment;
            return _printed
                .Where(p => which.Contains(p.Key))
                // Normally a commit only moves forward; after stdout closed, a background commit of
                // records consumed but never printed is moved back to the last printed line.
                .Where(p => !_committed.TryGetValue(p.Key, out long c) || c != p.Value)
                .Select(p => new TopicPartitionOffset(p.Key, p.Value))
                .ToList();
        }
    }

    /// <summary>stdout's reader has gone: the loop has stopped, and records not printed are not processed.</summary>
    public bool OutputClosed => _reporter.OutputClosed.IsCancellationRequested;

    private const int CommitAttempts = 4;
    private static readonly TimeSpan CommitRetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A commit the coordinator refused with <paramref name="e"/>: true when the strategy should call
    /// Commit again (after a short wait here). A coordinator in the middle of a rebalance answers
    /// REBALANCE_IN_PROGRESS until every member has synced; the commit is still this member's to
    /// make, so it is tried again a few times (about a second in all). If the rebalance outlasts
    /// that, nothing is lost: the next owner resumes from the last committed offset. The retries are
    /// counted, not printed one by one: the commit line that follows says how many it took.
    /// </summary>
    public bool RetryCommit(KafkaException e, string how, int attempt)
    {
        if (!IsRebalanceInProgress(e) || attempt >= CommitAttempts) return false;
        lock (_lock)
        {
            _commitRetries++;
            _retriesSinceCommit++;
        }
        Thread.Sleep(CommitRetryDelay);
        return true;
    }

    /// <summary>
    /// The course's print_sync_commit_result for a commit that failed: "# Failed to commit offsets: ...",
    /// naming the offsets <paramref name="tried"/>. Some partitions may have been committed all the same.
    /// </summary>
    public void CommitFailed(KafkaException e, string how, IReadOnlyList<TopicPartitionOffset> tried)
    {
        switch (e)
        {
            // "Nothing to commit": no offset moved since the last commit, which is no failure.
            case { Error.Code: ErrorCode.Local_NoOffset }:
                return;
            case TopicPartitionOffsetException partial:
                // The exception's own error only says "some partitions failed": each result names its reason.
                var refused = partial.Results.Where(r => r.Error.IsError).ToList();
                Committed(partial.Results.Where(r => !r.Error.IsError).Select(r => r.TopicPartitionOffset).ToList(), how);
                Failed(how, refused.Count > 0 ? refused[0].Error : e.Error, refused.Select(r => r.TopicPartitionOffset).ToList());
                return;
            default:
                Failed(how, e.Error, tried);
                return;
        }
    }

    private static bool IsRebalanceInProgress(KafkaException e) =>
        e.Error.Code == ErrorCode.RebalanceInProgress
        || (e is TopicPartitionOffsetException partial && partial.Results.Any(r => r.Error.Code == ErrorCode.RebalanceInProgress));

    /// <summary>The course's on_commit=print_commit_result for librdkafka's background commits (auto, async).</summary>
    public void BackgroundCommitted(CommittedOffsets result)
    {
        // "Nothing to commit" is how librdkafka says no offset moved since the last interval.
        if (result.Error.Code == ErrorCode.Local_NoOffset) return;
        if (result.Error.IsError)
        {
            var offsets = result.Offsets.Select(o => o.TopicPartitionOffset).ToList();
            Failed("auto", result.Error, offsets.Count > 0 ? offsets : Processed());
            return;
        }
        Committed(result.Offsets.Where(o => !o.Error.IsError).Select(o => o.TopicPartitionOffset).ToList(), "auto");
        var failed = result.Offsets.Where(o => o.Error.IsError).ToList();
        if (failed.Count > 0) Failed("auto", failed[0].Error, failed.Select(o => o.TopicPartitionOffset).ToList());
    }

    /// <summary>The course's print_sync_commit_result for a commit the coordinator accepted: "# Committed offsets for: t-0 {offset=53}".</summary>
    public void Committed(IReadOnlyList<TopicPartitionOffset> offsets, string how)
    {
        var moved = new List<PartitionOffset>();
        lock (_lock)
        {
            if (_retriesSinceCommit > 0) how += $", after {_retriesSinceCommit} refusal(s) while the group rebalanced";
            _retriesSinceCommit = 0;
            foreach (var o in offsets.Where(o => o.Offset.Value >= 0))
            {
                if (_committed.TryGetValue(o.TopicPartition, out long c) && c == o.Offset.Value) continue;
                _committed[o.TopicPartition] = o.Offset.Value;
                moved.Add(PartitionOffset.From(o));
            }
        }
        if (moved.Count > 0) Emit(new CommittedEvent(how, moved));
    }

    /// <summary>
    /// A refused commit names the offsets it tried to commit. A refusal because the group is
    /// rebalancing is normal Kafka behaviour and loses nothing (the next owner resumes from the
    /// last committed offset), so it is counted apart and does not fail the run.
    /// </summary>
    private void Failed(string how, Error error, IReadOnlyList<TopicPartitionOffset> tried)
    {
        bool rebalancing = error.Code == ErrorCode.RebalanceInProgress;
        lock (_lock)
        {
            _retriesSinceCommit = 0;
            if (rebalancing) _refusedWhileRebalancing++;
            else _commitFailures++;
        }
        Emit(new CommitFailedEvent(how, error.Reason, tried.Select(PartitionOffset.From).ToList(),
            rebalancing ? "the group is rebalancing: nothing is lost, the next owner resumes from the last committed offset and reads these records again" : null));
    }
}
