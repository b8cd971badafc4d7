using Confluent.Kafka;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>What `demo groups describe` shows of one group: its offsets and lag per partition, a summary, then its members.</summary>
public static class GroupDescription
{
    public static async Task ShowAsync(DemoContext ctx, DemoConfiguration config, string id, string[] named, IReadOnlyList<TopicPartition> partitions)
    {
        var members = await GroupOffsets.DescribeAsync(config.AdminConfig(), id, ctx.Cancellation);
        var owners = members.Description?.Members
            .SelectMany(m => m.Assignment?.TopicPartitions.Select(tp => (tp, m.ConsumerId)) ?? [])
            .ToDictionary(x => x.tp, x => x.ConsumerId) ?? [];

        var positions = GroupOffsets.Read(config.ConsumerConfig(), id, partitions, ctx.Output)
            .Where(p => p.Committed is not null || named.Contains(p.Partition.Topic) || owners.ContainsKey(p.Partition))
            .ToList();
        if (positions.Count == 0)
        {
            ctx.Info($"Group '{id}' has no committed offsets on {(named.Length > 0 ? string.Join(", ", named) : "any topic")} (a group exists once it commits).");
        }
        else
        {
            var rows = positions.Select(p => (IReadOnlyList<object?>)[p.Partition.Topic, p.Partition.Partition.Value, p.Committed, p.High, p.Lag,
                owners.TryGetValue(p.Partition, out var member) ? member : null]).ToList();
            ctx.Output.Emit(new TableEvent($"Group {id}", ["Topic", "Partition", "Committed", "Log end", "Lag", "Member"], rows));
            if (positions.All(p => p.Committed is null))
                ctx.Info($"Group '{id}' has committed nothing on these partitions: its lag is unknown until it does (a new member starts where auto.offset.reset says).");
        }
        ctx.Output.Emit(new SummaryEvent("groups describe",
        [
            new("group", id),
            new("partitions", positions.Count),
            new("committed", positions.Count(p => p.Committed is not null)),
            // No committed offset, no lag to add up: where the group starts depends on auto.offset.reset.
            new("total_lag", positions.Any(p => p.Lag is not null) ? positions.Sum(p => p.Lag ?? 0) : null),
            new("members", members.Description?.Members.Count),
        ]));

        if (members.Description is { } d)
        {
            var rows = d.Members.Select(m => (IReadOnlyList<object?>)[m.ConsumerId, m.ClientId, m.Host,
                string.Join(", ", m.Assignment?.TopicPartitions.Select(tp => $"{tp.Topic}-{tp.Partition.Value}") ?? [])]).ToList();
            ctx.Output.Emit(new TableEvent($"Group {id}: state {d.State}, {d.Members.Count} member(s)", ["Member", "Client", "Host", "Partitions"], rows));
        }
        else
        {
            ctx.Info($"Members: not available from this broker ({members.Unavailable}); the embedded broker has no DescribeGroups.");
        }
    }
}
