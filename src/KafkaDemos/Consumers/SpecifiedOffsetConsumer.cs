using Confluent.Kafka;
using KafkaDemos.Cli.Output;

namespace KafkaDemos.Consumers;

/// <summary>
/// The course's Consumer_06_CommitSpecified: instead of "whatever consume() returned", commit an
/// explicit map of partition to offset (last processed + 1), in the middle of a batch, every
/// --commit-every records. A rebalance then costs at most that many records processed twice.
/// </summary>
public static class SpecifiedOffsetConsumer
{
    public const string Name = "specified";

    public static Task<ConsumeOutcome> RunAsync(ConsumerConfig config, ConsumeOptions options, IEventSink sink, CancellationToken stop)
    {
        // Step 1: no timer; the application names the offsets.
        var settings = new ConsumerConfig(config.ToDictionary()) { EnableAutoCommit = false };

        return ConsumeLoop.RunAsync(Name, settings, options, sink, new CommitHooks
        {
            // Step 2: every N records, commit exactly the next offset to read of each partition
            // processed since the last commit: consumer.Commit([{topic, partition, offset + 1}]).
            AfterRecord = (session, _) =>
            {
                if (session.SinceCommit >= options.CommitEvery) session.CommitProcessed(Name);
            },

            // Step 3: a clean stop commits the rest, so a restart resumes exactly after the last record.
            BeforeClose = session => session.CommitProcessed(Name + " on shutdown"),
        }, stop);
    }
}
