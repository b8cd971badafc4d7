using System.CommandLine;
using Confluent.Kafka;
using KafkaDemos.Cli;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>`demo groups reset-offsets`: kafka-consumer-groups --reset-offsets, a dry run unless --execute.</summary>
public static class GroupResetCommand
{
    private static readonly Argument<string> Group = new("GROUP") { Description = "Consumer group id" };

    private static readonly Option<string[]> Topics = new Option<string[]>("--topic", "-t")
    {
        Description = "Topic whose offsets to reset, every partition (repeatable; or --all-topics)",
        HelpName = "NAME",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    }.AcceptsTopicNames();

    private static readonly Option<bool> AllTopics = new("--all-topics") { Description = "Every topic the group has committed offsets on" };
    private static readonly Option<bool> ToEarliest = new("--to-earliest") { Description = "The first offset still in the log" };
    private static readonly Option<bool> ToLatest = new("--to-latest") { Description = "The log end: skip everything not yet read" };
    private static readonly Option<long?> ToOffset = new("--to-offset") { Description = "This offset in every partition (kept within the log's start and end)", HelpName = "N" };
    private static readonly Option<string?> ShiftBy = new("--shift-by") { Description = "Move the committed offset by N (negative: back, to read again); kept within the log", HelpName = "N" };
    private static readonly Option<string?> ToDatetime = new("--to-datetime")
    {
        Description = "The first offset at or after this time (offsets-for-times), ISO 8601: 2026-12-06T09:30:00Z; no zone: local time",
        HelpName = "TIME",
    };
    private static readonly Option<bool> Execute = new("--execute") { Description = "Apply the plan; without it this is a dry run that only prints it" };

    public static Command Create()
    {
        var command = new Command("reset-offsets", """
            Move a group's committed offsets, like kafka-consumer-groups --reset-offsets: a dry run that
            prints the plan unless --execute is given. Refused while the group has active members: asked through
            DescribeGroups where the broker has it; elsewhere (the embedded broker) a short-lived member
            joins the group and commits only if it is given every partition.
            --to-datetime asks the broker for the first offset at or after the time (ListOffsets with a
            timestamp); a partition with no record that recent goes to its log end.

            Examples:
              demo groups reset-offsets tdea --topic ak03.fourpartition --to-earliest
              demo groups reset-offsets tdea --topic ak03.fourpartition --to-offset 5 --execute
              demo groups reset-offsets tdea --all-topics --shift-by -2
              demo groups reset-offsets tdea --topic ak03.fourpartition --to-datetime 2026-12-06T09:30:00Z --execute
            """) { Group, Topics, AllTopics, ToEarliest, ToLatest, ToOffset, ShiftBy, ToDatetime, Execute };
        command.SetDemoAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(DemoContext ctx)
    {
        string id = GroupsCommand.RequireGroup(ctx.Parse.GetValue(Group));
        string[] named = ctx.Get(Topics) ?? [];
        bool all = ctx.Get(AllTopics);
        if (all == (named.Length > 0)) throw new UsageException(all ? "--all-topics and --topic both choose the topics; use one" : "name the topics: --topic NAME (repeatable) or --all-topics");
        var config = ctx.LoadConfiguration();
        var consumerConfig = config.ConsumerConfig();
        var target = ResetTarget.From(ctx.Get(ToEarliest), ctx.Get(ToLatest), ctx.Get(ToOffset), ctx.Get(ShiftBy), ctx.Get(ToDatetime),
            startsAtEnd: consumerConfig.AutoOffsetReset == AutoOffsetReset.Latest);
        var metadata = BrokerPreflight.Check(config);
        var partitions = GroupsCommand.Partitions(metadata, named, config.BootstrapServers);

        // A live group is refused before anything is shown or changed, and without joining it.
        bool apply = ctx.Get(Execute);
        var members = apply ? await LiveMembers.FindAsync(config, id, ctx.Cancellation) : null;
        if (members?.Live is string live)
            throw new DemoException($"Group '{id}' has {live}: stop its consumers first; nothing was changed.", ExitCodes.Failed);

        var positions = GroupOffsets.Read(consumerConfig, id, partitions, ctx.Output, committedOnly: all);
        if (all && positions.Count == 0)
            throw new UsageException($"Group '{id}' has no committed offsets on any topic at {config.BootstrapServers}: --all-topics finds nothing to reset (name topics with --topic)");
        var byTime = target.Time is DateTimeOffset time ? OffsetsAt(consumerConfig, positions, time, config.BootstrapServers, ctx) : new Dictionary<TopicPartition, long>();
        var plan = positions.Select(p => (Position: p, Target: target.NewOffset(p, byTime))).ToList();
        var rows = plan.Select(x => (IReadOnlyList<object?>)[x.Position.Partition.Topic, x.Position.Partition.Partition.Value, x.Position.Committed, x.Target]).ToList();
        ctx.Output.Emit(new TableEvent(apply ? $"Resetting offsets of group {id}" : $"Plan for group {id} (dry run: add --execute to apply)",
            ["Topic", "Partition", "Current", "New"], rows));
        if (members is null) return ExitCodes.Success;
        if (!members.Listed)
            ctx.Info("The broker cannot list the group's members and none reported its status; if committing as an outsider is refused, a short-lived member joins to check that no other is active.");

        var offsets = plan.Select(x => new TopicPartitionOffset(x.Position.Partition, x.Target)).ToList();
        try
        {
            GroupOffsets.Commit(consumerConfig, id, offsets, ctx.Output, mayJoin: !members.Listed);
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
    }

    /// <summary>--to-datetime's offsets-for-times, said first in a line; a broker without it is named, with what to use instead.</summary>
    private static IReadOnlyDictionary<TopicPartition, long> OffsetsAt(ConsumerConfig config, IReadOnlyList<PartitionPosition> positions, DateTimeOffset time, string bootstrap, DemoContext ctx)
    {
        ctx.Info($"--to-datetime: the first offset at or after {time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff'Z'} in each partition (offsets-for-times).");
        try
        {
            return TimeOffsets.Find(config, positions, time, ctx.Output);
        }
        catch (NotSupportedException e)
        {
            throw new UsageException($"The broker at {bootstrap} does not answer offsets-for-times correctly ({e.Message}); the embedded broker answers \"none\" for every time. " +
                "Use --to-offset N or --shift-by N instead (`demo consume` shows each record's offset and time).", e);
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.Local_UnsupportedFeature or ErrorCode.UnsupportedVersion or ErrorCode.InvalidRequest or ErrorCode.UnsupportedForMessageFormat)
        {
            throw new UsageException($"The broker at {bootstrap} does not answer offsets-for-times (ListOffsets with a timestamp: {e.Error.Reason}); " +
                "use --to-offset N or --shift-by N instead (`demo consume` shows each record's offset and time)", e);
        }
        catch (KafkaException e)
        {
            throw new DemoException($"Offsets-for-times failed at {bootstrap}: {e.Error.Reason} ({e.Error.Code})", ExitCodes.Failed, e);
        }
    }
}
