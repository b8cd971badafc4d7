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

    public static Task<ConsumeOutcome> RunAsync(ConsumerConfig config, ConsumeOptions options, Reporter reporter, CancellationToken stop) =>
        ConsumerReport.StartAsync(Name, config, options, reporter, stop, run => Consume(config, options, run));

    private static void Consume(ConsumerConfig config, ConsumeOptions options, ConsumerReport run)
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
            CommitOffsets(consumer, run, run.Processed(), Name);
            sinceCommit = 0;
        }

        // Step 5: a clean stop commits the rest, so a restart resumes exactly after the last
        // record; then Close() leaves the group.
        if (run.CrashRequested) return;
        CommitOffsets(consumer, run, run.Processed(), Name + " on shutdown");
        consumer.Close();
    }

    /// <summary>
    /// consumer.commit(offsets=[TopicPartition(topic, partition, offset + 1), ...], asynchronous=False):
    /// exactly these offsets, and wait for the coordinator's answer.
    /// A commit refused because the group is rebalancing is still this member's to make, so it is
    /// tried again while the run allows.
    /// </summary>
    private static void CommitOffsets(IConsumer<string?, string?> consumer, ConsumerReport run, List<TopicPartitionOffset> offsets, string how)
    {
        if (offsets.Count == 0) return;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                consumer.Commit(offsets);
                run.Committed(offsets, how);
                return;
            }
            catch (KafkaException e)
            {
                if (run.RetryCommit(e, how, attempt)) continue;
                run.CommitFailed(e, how, offsets);
                return;
            }
        }
    }
}
