using Confluent.Kafka;
using KafkaDemos.Cli.Output;

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

    public static Task<ConsumeOutcome> RunAsync(ConsumerConfig config, ConsumeOptions options, IEventSink sink, CancellationToken stop)
    {
        // Step 1: background commits, but only of offsets the application has stored.
        var settings = new ConsumerConfig(config.ToDictionary())
        {
            EnableAutoCommit = true,
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = config.AutoCommitIntervalMs ?? 5000,
        };

        return ConsumeLoop.RunAsync(Name, settings, options, sink, new CommitHooks
        {
            ReportBackgroundCommits = true,

            // Step 2: the record is done; only now may its offset be committed. An offset is never
            // committed for a record that was not processed.
            AfterRecord = (session, record) => session.StoreOffset(record),

            // Step 3: synchronous commits where it matters: before ownership moves, and before leaving.
            OnRevoke = (session, partitions) => session.CommitProcessed("sync on revoke", partitions),
            BeforeClose = session => session.CommitProcessed("sync on shutdown"),
        }, stop);
    }
}
