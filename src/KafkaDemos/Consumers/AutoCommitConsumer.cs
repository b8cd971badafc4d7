using Confluent.Kafka;
using KafkaDemos.Cli.Output;

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

    public static Task<ConsumeOutcome> RunAsync(ConsumerConfig config, ConsumeOptions options, IEventSink sink, CancellationToken stop)
    {
        // Step 1: the timer decides when to commit. It commits what consume() returned, not what
        // was processed, which is why the course insists on processing every record before the
        // next consume(): this loop does, one record at a time.
        var settings = new ConsumerConfig(config.ToDictionary())
        {
            EnableAutoCommit = true,
            AutoCommitIntervalMs = config.AutoCommitIntervalMs ?? 5000,
        };

        // Step 2: nothing to commit by hand. Close() makes one last commit before leaving the group;
        // a crash loses everything consumed since the last tick (those records come again).
        return ConsumeLoop.RunAsync(Name, settings, options, sink, new CommitHooks
        {
            ReportBackgroundCommits = true,
        }, stop);
    }
}
