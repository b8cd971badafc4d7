using System.CommandLine;
using Confluent.Kafka;
using KafkaDemos.Cli;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>`demo groups list|describe|reset-offsets`: the course's kafka-consumer-groups commands.</summary>
public static class GroupsCommand
{
    public static Command Create() => new("groups", "List and describe consumer groups, reset their offsets (kafka-consumer-groups)")
    {
        List(), Describe(), ResetOffsets(), GroupWatchCommand.Create(),
    };

    private static Command List()
    {
        var command = new Command("list", """
            List the consumer groups the broker knows (ListGroups). The embedded broker lacks that API:
            there `demo groups describe GROUP` still shows a group's offsets and lag.

            Examples:
              demo groups list
              demo groups list -o json
            """);
        command.SetDemoAction(async ctx =>
        {
            var config = ctx.LoadConfiguration();
            BrokerPreflight.Check(config);
            var (groups, unavailable) = await GroupOffsets.ListAsync(config.AdminConfig(), ctx.Cancellation);
            if (groups is null)
                throw new UsageException($"Cannot list groups at {config.BootstrapServers}: {unavailable}. " +
                    "The embedded broker has no ListGroups; `demo groups describe GROUP` works there.");
            var rows = groups.OrderBy(g => g.GroupId, StringComparer.Ordinal)
                .Select(g => (IReadOnlyList<object?>)[g.GroupId, g.State.ToString(), g.IsSimpleConsumerGroup ? "simple" : "consumer"]).ToList();
            ctx.Output.Emit(new TableEvent($"Consumer groups at {config.BootstrapServers}", ["Group", "State", "Type"], rows));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Describe()
    {
        var group = new Argument<string>("GROUP") { Description = "Consumer group id" };
        var topics = new Option<string[]>("--topic", "-t")
        {
            Description = "Show every partition of this topic, committed or not (repeatable; default: partitions the group has committed)",
            HelpName = "NAME",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        }.AcceptsTopicNames();
        var command = new Command("describe", """
            Per partition the group's committed offset, the log-end offset and the lag (records not yet
            committed), with totals; then the members and their partitions where the broker supports
            DescribeGroups (the embedded broker does not: a line says so).

            Examples:
              demo groups describe tdea
              demo groups describe tdea --topic ak03.fourpartition -o json
            """) { group, topics };
        command.SetDemoAction(async ctx =>
        {
            string id = RequireGroup(ctx.Parse.GetValue(group));
            var config = ctx.LoadConfiguration();
            var metadata = BrokerPreflight.Check(config);
            string[] named = ctx.Get(topics) ?? [];
            var partitions = Partitions(metadata, named, config.BootstrapServers);

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
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command ResetOffsets()
    {
        var group = new Argument<string>("GROUP") { Description = "Consumer group id" };
        var topics = new Option<string[]>("--topic", "-t")
        {
            Description = "Topic whose offsets to reset, every partition (repeatable, required)",
            HelpName = "NAME",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            Required = true,
        }.AcceptsTopicNames();
        var toEarliest = new Option<bool>("--to-earliest") { Description = "The first offset still in the log" };
        var toLatest = new Option<bool>("--to-latest") { Description = "The log end: skip everything not yet read" };
        var toOffset = new Option<long?>("--to-offset") { Description = "This offset in every partition (kept within the log's start and end)", HelpName = "N" };
        var execute = new Option<bool>("--execute") { Description = "Apply the plan; without it this is a dry run that only prints it" };
        var command = new Command("reset-offsets", """
            Move a group's committed offsets, like kafka-consumer-groups --reset-offsets: a dry run that
            prints the plan unless --execute is given. Refused while the group has active members: asked through
            DescribeGroups where the broker has it; elsewhere (the embedded broker) a short-lived member
            joins the group and commits only if it is given every partition.

            Examples:
              demo groups reset-offsets tdea --topic ak03.fourpartition --to-earliest
              demo groups reset-offsets tdea --topic ak03.fourpartition --to-offset 5 --execute
            """) { group, topics, toEarliest, toLatest, toOffset, execute };
        command.SetDemoAction(async ctx =>
        {
            string id = RequireGroup(ctx.Parse.GetValue(group));
            int targets = (ctx.Get(toEarliest) ? 1 : 0) + (ctx.Get(toLatest) ? 1 : 0) + (ctx.Get(toOffset) is null ? 0 : 1);
            if (targets != 1) throw new UsageException($"give exactly one of --to-earliest, --to-latest, --to-offset N ({targets} given)");
            if (ctx.Get(toOffset) is long n && n < 0) throw new UsageException($"--to-offset {n} must be 0 or more");
            string[] named = ctx.Get(topics) ?? [];
            var config = ctx.LoadConfiguration();
            var metadata = BrokerPreflight.Check(config);
            var partitions = Partitions(metadata, named, config.BootstrapServers);

            // A live group is refused before anything is shown or changed, and without joining it.
            bool apply = ctx.Get(execute);
            var members = apply ? await LiveMembers.FindAsync(config, id, ctx.Cancellation) : null;
            if (members?.Live is string live)
                throw new DemoException($"Group '{id}' has {live}: stop its consumers first; nothing was changed.", ExitCodes.Failed);

            var positions = GroupOffsets.Read(config.ConsumerConfig(), id, partitions, ctx.Output);
            var plan = positions.Select(p => (Position: p, Target: ctx.Get(toEarliest) ? p.Low : ctx.Get(toLatest) ? p.High : Math.Clamp(ctx.Get(toOffset)!.Value, p.Low, p.High))).ToList();
            var rows = plan.Select(x => (IReadOnlyList<object?>)[x.Position.Partition.Topic, x.Position.Partition.Partition.Value, x.Position.Committed, x.Target]).ToList();
            ctx.Output.Emit(new TableEvent(apply ? $"Resetting offsets of group {id}" : $"Plan for group {id} (dry run: add --execute to apply)",
                ["Topic", "Partition", "Current", "New"], rows));
            if (members is null) return ExitCodes.Success;
            if (!members.Listed)
                ctx.Info("The broker cannot list the group's members and none reported its status; if committing as an outsider is refused, a short-lived member joins to check that no other is active.");

            var offsets = plan.Select(x => new TopicPartitionOffset(x.Position.Partition, x.Target)).ToList();
            try
            {
                GroupOffsets.Commit(config.ConsumerConfig(), id, offsets, ctx.Output, mayJoin: !members.Listed);
            }
            catch (KafkaException e)
            {
                throw new DemoException($"The coordinator refused the new offsets of group '{id}': {e.Error.Reason} ({e.Error.Code}); is a consumer of the group still running?", ExitCodes.Failed, e);
            }
            ctx.Output.Emit(new SummaryEvent("groups reset-offsets",
            [
                new("group", id),
                new("partitions", offsets.Count),
                new("offsets", offsets.ToDictionary(o => $"{o.Topic}-{o.Partition.Value}", o => o.Offset.Value)),
            ]));
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string RequireGroup(string? group) =>
        string.IsNullOrWhiteSpace(group) ? throw new UsageException($"GROUP '{group}' is empty: name a consumer group") : group;

    /// <summary>Every partition of the named topics (each must exist), or of every topic but the internal ones.</summary>
    private static List<TopicPartition> Partitions(Metadata metadata, string[] named, string bootstrap)
    {
        foreach (var topic in named)
        {
            var t = metadata.Topics.FirstOrDefault(m => m.Topic == topic);
            if (t is null || t.Error.Code == ErrorCode.UnknownTopicOrPart || t.Partitions.Count == 0)
                throw new UsageException($"Topic '{topic}' does not exist at {bootstrap} (see `demo topics list`)");
        }
        return metadata.Topics
            .Where(t => named.Length > 0 ? named.Contains(t.Topic) : !t.Topic.StartsWith("__", StringComparison.Ordinal))
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
            .OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition.Value)
            .ToList();
    }
}
