using Confluent.Kafka;
using KafkaDemos.Cli.Output;

namespace KafkaDemos.Consumers;

/// <summary>
/// The course's Consumer_03_CommitSync: auto-commit off; after each processed batch the
/// application commits the offsets consume() returned and waits for the coordinator's answer,
/// the course's consumer.commit(asynchronous=False) with print_sync_commit_result.
/// </summary>
public static class SyncCommitConsumer
{
    public const string Name = "sync";

    public static Task<ConsumeOutcome> RunAsync(ConsumerConfig config, ConsumeOptions options, IEventSink sink, CancellationToken stop)
    {
        // Step 1: no timer; offsets are committed only when the application says so.
        var settings = new ConsumerConfig(config.ToDictionary()) { EnableAutoCommit = false };

        return ConsumeLoop.RunAsync(Name, settings, options, sink, new CommitHooks
        {
            // Step 2: a batch is --commit-every records, or whatever consume() had ready when it
            // comes back empty. Commit once the whole batch is processed, and block until it is done.
            AfterRecord = (session, _) =>
            {
                if (session.SinceCommit >= options.CommitEvery) session.CommitConsumed(Name);
            },
            WhenIdle = session => session.CommitConsumed(Name),

            // Step 3: a clean stop commits the last, partial batch. Nothing is committed on revoke:
            // after a rebalance the new owner processes the current batch again (the course's
            // warning; the rebalance strategy fixes it).
            BeforeClose = session => session.CommitConsumed(Name + " on shutdown"),
        }, stop);
    }
}
