using Confluent.Kafka;
using KafkaDemos.Cli.Output;

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

    public static Task<ConsumeOutcome> RunAsync(ConsumerConfig config, ConsumeOptions options, IEventSink sink, CancellationToken stop)
    {
        // Step 1: no timer; offsets move only when ownership does.
        var settings = new ConsumerConfig(config.ToDictionary()) { EnableAutoCommit = false };

        return ConsumeLoop.RunAsync(Name, settings, options, sink, new CommitHooks
        {
            // Step 2: subscribe(on_revoke=commit_on_revoke): "Revoking previously assigned partitions: [...]",
            // then commit "last processed + 1" of each revoked partition and wait for the answer.
            // Close() on a clean stop revokes everything, so it commits through here too.
            OnRevoke = (session, partitions) => session.CommitProcessed("on revoke", partitions),
        }, stop);
    }
}
