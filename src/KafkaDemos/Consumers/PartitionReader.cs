using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>
/// Looking inside a topic without a group, as kcat -C -p 2 -o 17 -e and the console consumer's
/// --partition --offset do: the program names its partitions and where each starts, Assign()s
/// them itself, and never commits. No group is joined or created, no other reader's place moves,
/// and the same command run twice prints the same records.
/// </summary>
public static class PartitionReader
{
    /// <summary>The summary's "strategy": nothing is committed.</summary>
    public const string Name = "none (no group)";

    private static readonly TimeSpan QueryBound = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The group.id the .NET client requires of every consumer (it refuses to build one without):
    /// unique to the run, so even a stray commit could never move another reader's place; this
    /// program never joins it and never commits, so the broker never learns of it.
    /// </summary>
    public static string NoGroupId(string clientId) => $"{clientId}-no-group-{Guid.NewGuid():N}"[..Math.Min(clientId.Length + 18, 255)];

    public static Task<ConsumeOutcome> RunAsync(ConsumerConfig config, ConsumeOptions options, Reporter reporter, CancellationToken stop) =>
        ConsumerReport.StartAsync(Name, config, options, reporter, stop, run => Read(config, options, run), inGroup: false);

    private static void Read(ConsumerConfig config, ConsumeOptions options, ConsumerReport run)
    {
        // Step 1: the configuration, without a group. The .NET client wants a group.id even so:
        // the command gives one no one else uses (see NoGroupId). Nothing joins it: Assign() never
        // sends JoinGroup, and offsets are neither stored nor committed, in the background or by hand.
        var settings = new ConsumerConfig(config.ToDictionary())
        {
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = options.ExitAtEnd,
        };

        // Step 2: the consumer. No rebalance handlers: nobody hands out partitions but this program.
        using var consumer = run.Build(new ConsumerBuilder<string?, string?>(settings));

        // Step 3: where each partition starts: its first and next offsets from the leader, and
        // for @TIME the first offset at or after that time (offsets-for-times).
        string topic = options.Topics[0];
        var starts = (options.Partitions ?? []).Select(p => options.Start.Resolve(consumer, new TopicPartition(topic, p), QueryBound)).ToList();

        // Step 4: Assign(), not Subscribe(): these partitions from these offsets, whoever else reads them.
        consumer.Assign(starts.Select(s => s.Start));
        run.AssignedWithoutGroup(starts);

        // Step 5: the loop: print each record; nothing to commit.
        while (run.KeepGoing)
        {
            var record = run.Consume(consumer);
            if (record is not null) run.Process(record);
        }

        // Step 6: Close() with no group to leave and no offsets to commit.
        if (run.CrashRequested) return;
        consumer.Close();
    }
}
