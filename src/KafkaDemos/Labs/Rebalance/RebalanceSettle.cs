using Confluent.Kafka;

namespace KafkaDemos.Labs.Rebalance;

public static partial class RebalanceLab
{
    /// <summary>When the group counts as settled after a change, and how long that took.</summary>
    private sealed partial class Pass
    {
        /// <summary>
        /// Waits until the group has settled after a change: the member that left has finished leaving;
        /// every partition has exactly one owner among the members; the partitions are spread evenly; and
        /// each member has been given its assignment since the change (eager protocols revoke and assign
        /// on every member; cooperative-sticky leaves untouched members alone, so there it is enough that
        /// every member has been assigned once).
        /// </summary>
        /// <remarks>
        /// The time is that of the last assignment change that made it settled (before the change: 0).
        /// Under the consumer protocol a member given nothing hears nothing, and the others learn of the
        /// broker's new target at their next heartbeat; so there the picture must also stay unchanged for
        /// <see cref="Quiet"/> before it counts.
        /// </remarks>
        private async Task<TimeSpan?> SettleAsync(long before, IGroupMember? leaving, TimeSpan start)
        {
            while (_measure.Now - start < SettleTimeout)
            {
                ctx.Cancellation.ThrowIfCancellationRequested();
                if (IsSettled(before, leaving))
                {
                    var last = _measure.LastChange;
                    if (!_consumerProtocol || _measure.Now - last >= Quiet)
                        return last > start ? last - start : TimeSpan.Zero;
                }
                await Task.Delay(PollInterval, ctx.Cancellation);
            }
            return null;
        }

        private TimeSpan Quiet => broker.Embedded is null ? TimeSpan.FromSeconds(6) : TimeSpan.FromMilliseconds(3 * LabGroupTiming.HeartbeatIntervalMs);

        private bool IsSettled(long before, IGroupMember? leaving)
        {
            if (leaving is not null && !leaving.Completion.IsCompleted) return false;
            if (_live.Count == 0) return true;
            if (!Owners().Values.All(o => o.Count == 1)) return false;
            var counts = _live.Select(m => _board.Partitions(m.Name).Count).ToList();
            if (counts.Max() - counts.Min() > 1) return false;
            if (_consumerProtocol) return true;
            return _live.All(m => _board.AssignedSince(m.Name, _cooperative ? 0 : before));
        }

        private Dictionary<TopicPartition, List<string>> Owners() =>
            _partitions.ToDictionary(p => p, p => _live.Where(m => _board.Partitions(m.Name).Contains(p)).Select(m => m.Name).ToList());
    }
}
