using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>
/// The course's Consumer_02_AutoCommit: librdkafka commits in the background every
/// auto.commit.interval.ms (course: 5000) the offsets consume() has returned, and the
/// offsets-committed handler (the course's on_commit) prints each result:
/// "# Committed offsets for: ak03.test-0 {offset=53}".
/// </summary>
public static class AutoCommitConsumer
{
    public const string Name = "auto";

    public static Task<ConsumeOutcome> RunAsync(ConsumerConfig config, ConsumeOptions options, Reporter reporter, CancellationToken stop) =>
        ConsumerReport.StartAsync(Name, config, options, reporter, stop, run => Consume(config, options, run));

    private static void Consume(ConsumerConfig config, ConsumeOptions options, ConsumerReport run)
    {
        // Step 1: the configuration. The timer decides when to commit, and it commits what
        // consume() returned, not what was processed: that is why the course insists on
        // processing every record before the next consume(), as this loop does.
        var settings = new ConsumerConfig(config.ToDictionary())
        {
            EnableAutoCommit = true,
            AutoCommitIntervalMs = config.AutoCommitIntervalMs ?? 5000,
            EnablePartitionEof = options.ExitAtEnd,
        };

        // Step 2: the consumer, with on_commit=print_commit_result and the rebalance handlers.
        using var consumer = run.Build(new ConsumerBuilder<string?, string?>(settings)
            .SetOffsetsCommittedHandler((_, committed) => run.BackgroundCommitted(committed))
            .SetPartitionsAssignedHandler((_, partitions) => run.Assigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => run.Revoked(partitions))
            .SetPartitionsLostHandler((_, partitions) => run.Lost(partitions)));

        // Step 3: subscribe.
        consumer.Subscribe(options.Topics);

        // Step 4: the loop. Nothing to commit by hand: each consume() lets the timer commit.
        while (run.KeepGoing)
        {
            var record = run.Consume(consumer);
            if (record is not null) run.Process(record);
        }

        // Step 5: Close() makes one last commit and leaves the group, so the others rebalance at
        // once. A crash skips it and loses everything consumed since the last tick (those records come again).
        if (run.CrashRequested) return;
        if (run.OutputClosed)
        {
            // stdout's reader has gone: the timer may have committed records consume() returned
            // but nobody saw. Commit the last printed offsets instead, and leave without Close(),
            // whose own commit would store the consumed ones again; the group notices after session.timeout.ms.
            CommitPrinted(consumer, run);
            return;
        }
        consumer.Close();
    }

    private static void CommitPrinted(IConsumer<string?, string?> consumer, ConsumerReport run)
    {
        var printed = run.Processed();
        if (printed.Count == 0) return;
        try
        {
            consumer.Commit(printed);
            run.Committed(printed, "printed, on shutdown");
        }
        catch (KafkaException e)
        {
            run.CommitFailed(e, "printed, on shutdown", printed);
        }
    }
}
