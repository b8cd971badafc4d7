using System.CommandLine;
using Confluent.Kafka;
using KafkaDemos.Cli;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>`demo groups list|describe|reset-offsets|delete|watch`: the course's kafka-consumer-groups commands.</summary>
public static class GroupsCommand
{
    public static Command Create() => new("groups", "List, describe and delete consumer groups, reset their offsets (kafka-consumer-groups)")
    {
        List(), Describe(), GroupResetCommand.Create(), GroupDeleteCommand.Create(), GroupWatchCommand.Create(),
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
        var group = new Argument<string?>("GROUP") { Description = "Consumer group id (or --all-groups)", Arity = ArgumentArity.ZeroOrOne };
        var allGroups = new Option<bool>("--all-groups") { Description = "Every group the broker lists (needs ListGroups, which the embedded broker lacks)" };
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
            DescribeGroups (the embedded broker does not: a line says so). --all-groups describes every
            group ListGroups names, one after the other.

            Examples:
              demo groups describe tdea
              demo groups describe tdea --topic ak03.fourpartition -o json
              demo groups describe --all-groups
            """) { group, allGroups, topics };
        command.SetDemoAction(async ctx =>
        {
            string? id = ctx.Parse.GetValue(group);
            bool all = ctx.Get(allGroups);
            if (all && id is not null) throw new UsageException($"GROUP '{id}' and --all-groups both choose the groups; use one");
            if (!all && id is null) throw new UsageException("name a GROUP to describe, or --all-groups for every group the broker lists");
            if (!all) id = RequireGroup(id);
            var config = ctx.LoadConfiguration();
            var metadata = BrokerPreflight.Check(config);
            string[] named = ctx.Get(topics) ?? [];
            var partitions = Partitions(metadata, named, config.BootstrapServers);
            if (!all)
            {
                await GroupDescription.ShowAsync(ctx, config, id!, named, partitions);
                return ExitCodes.Success;
            }
            var (groups, unavailable) = await GroupOffsets.ListAsync(config.AdminConfig(), ctx.Cancellation);
            if (groups is null)
                throw new UsageException($"Cannot list groups at {config.BootstrapServers} for --all-groups: {unavailable}. " +
                    "The embedded broker has no ListGroups: describe each group by name, `demo groups describe GROUP`.");
            if (groups.Count == 0) ctx.Info($"No consumer groups at {config.BootstrapServers}.");
            foreach (var listed in groups.OrderBy(g => g.GroupId, StringComparer.Ordinal))
                await GroupDescription.ShowAsync(ctx, config, listed.GroupId, named, partitions);
            return ExitCodes.Success;
        });
        return command;
    }

    internal static string RequireGroup(string? group) =>
        string.IsNullOrWhiteSpace(group) ? throw new UsageException($"GROUP '{group}' is empty: name a consumer group") : group;

    /// <summary>Every partition of the named topics (each must exist), or of every topic but the internal ones.</summary>
    internal static List<TopicPartition> Partitions(Metadata metadata, string[] named, string bootstrap)
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
