using System.CommandLine;
using Confluent.Kafka;
using KafkaDemos.Admin;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>
/// `demo consume --partition P --offset O`: the command's side of <see cref="PartitionReader"/>.
/// The input is checked before any record is read: one topic that exists, partitions it has, no
/// flag that only means something in a group; each refusal names the value (exit 2).
/// </summary>
internal static class PartitionReadCommand
{
    /// <summary>The flags with which --partition and --offset are asked for.</summary>
    public sealed record Flags(Option<int[]> Partition, Option<string> Offset, IReadOnlyList<Option> GroupOnly);

    /// <summary>True when the command line asks for a read without a group.</summary>
    public static bool Requested(DemoContext ctx, Flags flags) =>
        Given(ctx, flags.Partition) || Given(ctx, flags.Offset);

    private static bool Given(DemoContext ctx, Option option) => ctx.Parse.GetResult(option) is { Implicit: false };

    public static async Task<int> RunAsync(DemoContext ctx, Flags flags, ConsumeOptions asked)
    {
        // What only a group member does has no meaning here: say so rather than ignore it.
        var groupFlag = flags.GroupOnly.FirstOrDefault(o => Given(ctx, o));
        if (groupFlag is not null)
            throw new UsageException($"{groupFlag.Name} belongs to a consumer group, and --partition/--offset read without one (Assign, nothing committed): " +
                                     $"leave out {groupFlag.Name}, or --partition/--offset to consume in a group");
        int[] partitions = ctx.Get(flags.Partition) ?? [];
        var start = ctx.Get(flags.Offset) is { } offset ? StartOffset.Parse(offset) : StartOffset.End;
        if (asked.Topics.Count > 1 || asked.Topics.Any(TopicPattern.Is))
            throw new UsageException($"--partition/--offset read one topic by name; given: {string.Join(", ", asked.Topics)}");

        var config = ctx.LoadConfiguration();
        string topic = asked.Topics.Count == 1 ? asked.Topics[0] : config.Demo.Topic;
        var consumerConfig = config.ConsumerConfig();
        if (consumerConfig.ClientId == BuiltInDefaults.ClientId) consumerConfig.ClientId = $"{BuiltInDefaults.ClientId}-{Environment.ProcessId}";
        var metadata = BrokerPreflight.Check(config);
        var described = metadata.Topics.FirstOrDefault(t => t.Topic == topic && t.Partitions.Count > 0)
            ?? throw new UsageException($"--topic '{topic}' does not exist on {consumerConfig.BootstrapServers}: there is no partition to read (demo topics list shows the topics)");
        int count = described.Partitions.Count;
        foreach (int p in partitions.Where(p => p < 0 || p >= count))
            throw new UsageException($"--partition {p} does not exist: topic '{topic}' has {count} partition(s), 0 to {count - 1}");
        var read = partitions.Length > 0 ? partitions.Distinct().Order().ToList() : Enumerable.Range(0, count).ToList();

        consumerConfig.GroupId = PartitionReader.NoGroupId(consumerConfig.ClientId);
        var options = asked with { Topics = [topic], Partitions = read, Start = start };
        ctx.Info($"Reading {topic} partition(s) {string.Join(", ", read)} without a consumer group: Assign(), no group joined, nothing committed, " +
                 $"no group's offsets move (group.id '{consumerConfig.GroupId}' only because the .NET client requires one; never joined) " +
                 $"as client '{consumerConfig.ClientId}'; " + (options.ExitAtEnd ? "it stops at the end of each partition." : "Ctrl+C stops."));
        var outcome = await PartitionReader.RunAsync(consumerConfig, options, ctx.Output, ctx.Cancellation);
        ctx.Output.Emit(outcome.ToSummary());
        return outcome.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
    }
}
