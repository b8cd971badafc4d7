using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>
/// The course's rebalance callback (Consumer_07, commit_on_revoke): the consumer tracks the last
/// processed offset of each partition and commits them in the partitions-revoked handler, the
/// last moment it owns them, so the next owner starts exactly after the last processed record.
/// Partitions that are lost (the member fell out of the group) are not committed: another
/// member may already own them.
/// </summary>
public static class RebalanceCommitConsumer
{
    public const string Name = "rebalance";

    public static Task<ConsumeOutcome> RunAsync(ConsumerConfig config, ConsumeOptions options, Reporter reporter, CancellationToken stop) =>
        ConsumerReport.StartAsync(Name, config, options, reporter, stop, run => Consume(config, options, run));

    private static void Consume(ConsumerConfig config, ConsumeOptions options, ConsumerReport run)
    {
        // Step 1: the configuration: no timer; offsets move only when ownership does.
        var settings = new ConsumerConfig(config.ToDictionary())
        {
            EnableAutoCommit = false,
            EnablePartitionEof = options.ExitAtEnd,
        };

        // Step 2: the consumer. subscribe(on_assign=print_assignment, on_revoke=commit_on_revoke):
        // "Revoking previously assigned partitions: [...]", then commit "last processed + 1" of
        // each revoked partition and wait for the answer.
        using var consumer = run.Build(new ConsumerBuilder<string?, string?>(settings)
            .SetPartitionsAssignedHandler((_, partitions) => run.Assigned(partitions))
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                run.Revoked(partitions);
                CommitOffsets(c, run, run.Processed(partitions), "on revoke");
            })
            .SetPartitionsLostHandler((_, partitions) => run.Lost(partitions)));

        // Step 3: subscribe.
        consumer.Subscribe(options.Topics);

        // Step 4: the loop: process each record; nothing is committed here.
        while (run.KeepGoing)
        {
            var record = run.Consume(consumer);
            if (record is not null) run.Process(record);
        }

        // Step 5: Close() revokes every partition before leaving, so the clean stop commits
        // through the revoke handler too. A crash skips it: the next owner starts from the last revoke's commit.
        if (run.CrashRequested) return;
        consumer.Close();
    }

    /// <summary>
    /// commit_on_revoke's consumer.commit(offsets=..., asynchronous=False): the revoked partitions'
    /// last processed offsets + 1, and wait for the answer while the partitions are still this member's.
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
