using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>
/// The course's Consumer_06_CommitSpecified: instead of "whatever consume() returned", commit an
/// explicit map of partition to offset (last processed + 1), in the middle of a batch, every
/// --commit-every records. A rebalance then costs at most that many records processed twice.
/// </summary>
public static class SpecifiedOffsetConsumer
{
    public const string Name = "specified";

    public static Task<ConsumeOutcome> RunAsync(ConsumerConfig config, ConsumeOptions options, Reporter sink, CancellationToken stop) =>
        ConsumerRun.StartAsync(Name, config, options, sink, stop, run => Consume(config, options, run));

    private static void Consume(ConsumerConfig config, ConsumeOptions options, ConsumerRun run)
    {
        // Step 1: the configuration: no timer; the application names the offsets.
        var settings = new ConsumerConfig(config.ToDictionary())
        {
            EnableAutoCommit = false,
            EnablePartitionEof = options.ExitAtEnd,
        };

        // Step 2: the consumer, with the rebalance handlers.
        using var consumer = run.Build(new ConsumerBuilder<string?, string?>(settings)
            .SetPartitionsAssignedHandler((_, partitions) => run.Assigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => run.Revoked(partitions))
            .SetPartitionsLostHandler((_, partitions) => run.Lost(partitions)));

        // Step 3: subscribe.
        consumer.Subscribe(options.Topics);

        // Step 4: the loop. Every N records, commit exactly the next offset to read of each
        // partition processed since the last commit: consumer.Commit([{topic, partition, offset + 1}]).
        int sinceCommit = 0;
        while (run.KeepGoing)
        {
            var record = run.Consume(consumer);
            if (record is null) continue;
            run.Process(record);
            if (++sinceCommit < options.CommitEvery) continue;
            var offsets = run.Processed();
            run.Commit(Name, offsets, () => consumer.Commit(offsets));
            sinceCommit = 0;
        }

        // Step 5: a clean stop commits the rest, so a restart resumes exactly after the last
        // record; then Close() leaves the group.
        if (run.CrashRequested) return;
        var rest = run.Processed();
        run.Commit(Name + " on shutdown", rest, () => consumer.Commit(rest));
        consumer.Close();
    }
}
