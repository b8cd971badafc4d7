using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>
/// The course's Consumer_03_CommitSync: auto-commit off; after each processed batch the
/// application commits the offsets consume() returned and waits for the coordinator's answer,
/// the course's consumer.commit(asynchronous=False) with print_sync_commit_result.
/// </summary>
public static class SyncCommitConsumer
{
    public const string Name = "sync";

    public static Task<ConsumeOutcome> RunAsync(ConsumerConfig config, ConsumeOptions options, Reporter reporter, CancellationToken stop) =>
        ConsumerReport.StartAsync(Name, config, options, reporter, stop, run => Consume(config, options, run));

    private static void Consume(ConsumerConfig config, ConsumeOptions options, ConsumerReport run)
    {
        // Step 1: the configuration: no timer; offsets are committed only when the application says so.
        var settings = new ConsumerConfig(config.ToDictionary())
        {
            EnableAutoCommit = false,
            EnablePartitionEof = options.ExitAtEnd,
        };

        // Step 2: the consumer, with the rebalance handlers. Nothing is committed on revoke: after
        // a rebalance the new owner processes the current batch again (the course's warning; the
        // rebalance strategy fixes it).
        using var consumer = run.Build(new ConsumerBuilder<string?, string?>(settings)
            .SetPartitionsAssignedHandler((_, partitions) => run.Assigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => run.Revoked(partitions))
            .SetPartitionsLostHandler((_, partitions) => run.Lost(partitions)));

        // Step 3: subscribe.
        consumer.Subscribe(options.Topics);

        // Step 4: the loop. A batch is --commit-every records, or whatever consume() had ready
        // when it comes back empty; once the whole batch is processed, commit and wait.
        int inBatch = 0;
        while (run.KeepGoing)
        {
            var record = run.Consume(consumer);
            if (record is not null)
            {
                run.Process(record);
                if (++inBatch < options.CommitEvery) continue;
            }
            if (inBatch == 0) continue;
            CommitSync(consumer, run, Name);
            inBatch = 0;
        }

        // Step 5: a clean stop commits the last, partial batch, then Close() leaves the group.
        if (run.CrashRequested) return;
        CommitSync(consumer, run, Name + " on shutdown");
        consumer.Close();
    }

    /// <summary>
    /// consumer.commit(asynchronous=False) with print_sync_commit_result: commit the offsets
    /// consume() returned, once each record is processed (its line printed), and wait for the
    /// coordinator's answer. They are named explicitly: after stdout's reader has gone, the last
    /// record consume() returned was not printed, so it is not committed. A commit refused because the group
    /// is rebalancing is still this member's to make, so it is tried again while the run allows.
    /// </summary>
    private static void CommitSync(IConsumer<string?, string?> consumer, ConsumerReport run, string how)
    {
        var tried = run.Processed();
        if (tried.Count == 0) return;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                consumer.Commit(tried);
                run.Committed(tried, how);
                return;
            }
            catch (KafkaException e)
            {
                if (run.RetryCommit(e, how, attempt)) continue;
                run.CommitFailed(e, how, tried);
                return;
            }
        }
    }
}
