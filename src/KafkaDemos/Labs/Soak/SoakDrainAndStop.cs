using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Admin;
using KafkaDemos.Consumers;
using KafkaDemos.Core;

namespace KafkaDemos.Labs.Soak;

/// <summary>The end of a run: the members read to the log's end, commit it, and stop without losing a commit.</summary>
public sealed partial class SoakConductor
{
    /// <summary>
    /// Waits (bounded) until, in every partition, some member has processed up to the log end. A partition
    /// whose owner makes no progress on it for <see cref="StallTimeout"/> is stalled: the owner is stopped and
    /// restarted so the group gives the partition out again, and the stall is counted and reported.
    /// </summary>
    /// <returns>Each non-empty partition's log end when the producer had stopped.</returns>
    private async Task<IReadOnlyDictionary<int, long>> DrainAsync()
    {
        var ends = (await PositionsAsync())
            .ToDictionary(p => p.Partition.Partition.Value, p => (p.Low, p.High));
        var deadline = Stopwatch.StartNew();
        var progress = ends.Keys.ToDictionary(p => p, _ => (End: -1L, Since: TimeSpan.Zero));
        while (true)
        {
            var processed = _history.ProcessedEnd();
            var behind = ends.Where(e => e.Value.High > e.Value.Low && processed.GetValueOrDefault(e.Key) < e.Value.High).Select(e => e.Key).ToList();
            if (behind.Count == 0)
            {
                ctx.Output.Emit(new InfoEvent($"The members read every partition to its end {deadline.Elapsed.TotalSeconds:0.0} s after the producer stopped."));
                break;
            }
            if (deadline.Elapsed > DrainTimeout)
            {
                ctx.Output.Emit(new WarningEvent($"Not read to their end within {DrainTimeout.TotalSeconds:0} s of the producer's stop: " +
                    string.Join(", ", behind.Select(p => $"partition {p} at {processed.GetValueOrDefault(p):N0} of {ends[p].High:N0}"))));
                return Highs(ends);
            }
            foreach (int p in behind)
            {
                long end = processed.GetValueOrDefault(p);
                if (progress[p].End != end) progress[p] = (end, deadline.Elapsed);
                else if (deadline.Elapsed - progress[p].Since >= StallTimeout && _history.OwnerOf(p) is int owner)
                {
                    await RestartStalledAsync(owner, p, end, ends[p].High);
                    progress[p] = (end, deadline.Elapsed);
                }
            }
            await SuperviseAsync();
            await Task.Delay(Tick, ctx.Cancellation);
        }
        return Highs(ends);
    }

    private static Dictionary<int, long> Highs(Dictionary<int, (long Low, long High)> ends) =>
        ends.Where(e => e.Value.High > e.Value.Low).ToDictionary(e => e.Key, e => e.Value.High);

    private async Task RestartStalledAsync(int owner, int partition, long at, long end)
    {
        var member = Live().FirstOrDefault(m => m.Id == owner);
        if (member is null) return;
        lock (_stalls) _stalls.Add($"partition {partition} at {at:N0} of {end:N0}, owner {member.Label}");
        ctx.Output.Emit(new WarningEvent($"Partition {partition} stalled: its owner {member.Label} processed nothing of it for {StallTimeout.TotalSeconds:0} s " +
                                   $"(at {at:N0} of {end:N0}); stopping and restarting it so the group gives the partition out again."));
        await member.StopAsync();
        Forget(member);
        StartMember(member.Name);
    }

    /// <summary>
    /// Gives the members time to commit what they processed before they are stopped (bounded).
    /// </summary>
    /// <returns>True when the group has committed every partition to its end.</returns>
    private async Task<bool> AwaitCommitsAsync(IReadOnlyDictionary<int, long> ends)
    {
        if (settings.Strategy == RebalanceCommitConsumer.Name)
        {
            ctx.Output.Emit(new InfoEvent("--commit rebalance commits only when its partitions are revoked; stopping the members one at a time, which commit on the way out."));
            return false;
        }
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < CommitWait)
        {
            var positions = await PositionsAsync();
            if (positions.All(p => !ends.TryGetValue(p.Partition.Partition.Value, out long end) || p.Committed >= end))
            {
                ctx.Output.Emit(new InfoEvent($"The group has committed every partition to its end; stopping the members."));
                return true;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ctx.Cancellation);
        }
        ctx.Output.Emit(new InfoEvent($"The group has not committed every partition to its end within {CommitWait.TotalSeconds:0} s (--commit {settings.Strategy} " +
                                "may commit only when it stops); stopping the members one at a time, which commit on the way out."));
        return false;
    }

    /// <summary>
    /// Stops the members one at a time, each once the group has settled after the one before left. A leave
    /// starts a rebalance, and the embedded broker refuses commits while one runs (Apache Kafka accepts them):
    /// members stopped together would have their stop-time commits refused, and --commit rebalance commits
    /// nothing else. Settled means every partition has a live owner again and is committed to its end or
    /// processed to its end by that owner, who then commits it when it is stopped in turn.
    /// </summary>
    private async Task StopInTurnAsync(IReadOnlyDictionary<int, long> ends)
    {
        for (var live = Live(); live.Count > 0; live = Live())
        {
            var member = live[0];
            await member.StopAsync();
            Forget(member);
            await member.DisposeAsync();
            if (live.Count > 1) await SettleAsync(ends);
        }
    }

    private async Task SettleAsync(IReadOnlyDictionary<int, long> ends)
    {
        var deadline = Stopwatch.StartNew();
        var unsettled = ends.Keys.ToList();
        while (deadline.Elapsed < SettleTimeout)
        {
            await Task.Delay(Tick, ctx.Cancellation);
            var owners = _history.OwnersProcessedEnd();
            unsettled = ends.Keys.Where(p => !owners.ContainsKey(p)).ToList();
            if (unsettled.Count > 0) continue;
            var committed = (await PositionsAsync())
                .ToDictionary(p => p.Partition.Partition.Value, p => p.Committed);
            unsettled = ends.Where(e => (committed.GetValueOrDefault(e.Key) ?? 0) < e.Value && owners[e.Key] < e.Value).Select(e => e.Key).ToList();
            if (unsettled.Count == 0) return;
        }
        ctx.Output.Emit(new WarningEvent($"The group did not settle within {SettleTimeout.TotalSeconds:0} s of a member's stop (partitions " +
                                   $"{string.Join(", ", unsettled)} without an owner, or neither committed nor processed to their end by it); stopping the next member anyway."));
    }

    /// <summary>The group's committed offset and the log's start and end of every partition of the topic.</summary>
    private Task<IReadOnlyList<PartitionPosition>> PositionsAsync()
    {
        var tps = Enumerable.Range(0, _partitions).Select(p => new TopicPartition(_topic, p)).ToList();
        return Task.Run(() => GroupOffsets.Read(ConsumerConfig, _group, tps, ctx.Output), ctx.Cancellation);
    }
}
