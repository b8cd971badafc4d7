using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>
/// The course's Consumer_04_CommitAsync combined with Consumer_05_CommitSyncAsync.
/// Confluent.Kafka for .NET has no asynchronous Commit(); its documented equivalent is
/// enable.auto.commit=true with enable.auto.offset.store=false: the application stores the
/// offset of each record once it is processed (StoreOffset), and librdkafka commits the stored
/// offsets in the background without blocking the loop, reporting each result to the
/// offsets-committed handler (the course's on_commit). Because a background commit can still be
/// in flight when partitions move or the consumer stops, a final synchronous commit runs on
/// revoke and on shutdown: the course's "combining sync and async commits".
/// </summary>
public static class AsyncCommitConsumer
{
    public const string Name = "async";

    public static Task<ConsumeOutcome> RunAsync(ConsumerConfig config, ConsumeOptions options, Reporter reporter, CancellationToken stop) =>
        ConsumerReport.StartAsync(Name, config, options, reporter, stop, run => Consume(config, options, run));

    private static void Consume(ConsumerConfig config, ConsumeOptions options, ConsumerReport run)
    {
        // Step 1: the configuration: background commits, but only of offsets the application has stored.
        var settings = new ConsumerConfig(config.ToDictionary())
        {
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = config.AutoCommitIntervalMs ?? 5000,
            EnablePartitionEof = options.ExitAtEnd,
        };

        // Step 2: the consumer, with on_commit=print_commit_result, and a synchronous commit of the
        // processed offsets in the revoke handler, before ownership moves.
        using var consumer = run.Build(new ConsumerBuilder<string?, string?>(settings)
            .SetOffsetsCommittedHandler((_, committed) => run.BackgroundCommitted(committed))
            .SetPartitionsAssignedHandler((_, partitions) => run.Assigned(partitions))
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                run.Revoked(partitions);
                CommitOffsets(c, run, run.Processed(partitions), "sync on revoke");
            })
            .SetPartitionsLostHandler((_, partitions) => run.Lost(partitions)));

        // Step 3: subscribe.
        consumer.Subscribe(options.Topics);

        // Step 4: the loop. Once a record is done, and only then, its offset may be committed:
        // StoreOffset marks it for the next background commit, without waiting for anything.
        while (run.KeepGoing)
        {
            var record = run.Consume(consumer);
            if (record is null) continue;
            run.Process(record);
            consumer.StoreOffset(record);
        }

        // Step 5: a clean stop commits what was processed, synchronously, then Close() leaves the group.
        if (run.CrashRequested) return;
        CommitOffsets(consumer, run, run.Processed(), "sync on shutdown");
        // stdout's reader has gone: a background commit may have taken offsets whose lines were still
        // in the output's buffer, and Close() would commit the stored ones again. The commit above
        // set the group back to the last printed line; leave without Close(): the group notices
        // after session.timeout.ms.
        if (run.OutputClosed) return;
        consumer.Close();
    }

    /// <summary>
    /// The synchronous half of "combining sync and async commits": consumer.commit(offsets=...,
    /// asynchronous=False) of the processed offsets, waiting for the answer, so no background
    /// commit still in flight decides where the next owner starts.
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
