using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Sink;

/// <summary>
/// The course's consume.py as written: a consumer in group 'counters' with auto_offset_reset
/// 'earliest', enable_auto_commit True and auto_commit_interval_ms 1000, and for each message
/// collection.insert_one(message) and a print. The timer commits what consume() returned, not
/// what was inserted: after a crash every row inserted since the last tick is inserted again
/// (duplicates), and a record committed before its insert finished is never inserted (loss).
/// </summary>
public static class AutoCommitSink
{
    public const string Name = "auto";

    /// <summary>The course's auto_commit_interval_ms: "messages come every five seconds, committing every second appears fair".</summary>
    public const int CommitIntervalMs = 1000;

    public static SinkOutcome Run(ConsumerConfig config, ISinkTarget target, SinkOptions options, Reporter reporter, CancellationToken stop)
    {
        var run = new SinkReport(Name, target, options, reporter);

        // my_consumer = KafkaConsumer('testnum', auto_offset_reset='earliest', enable_auto_commit=True, auto_commit_interval_ms=1000, group_id='counters')
        var settings = new ConsumerConfig(config.ToDictionary())
        {
            EnableAutoCommit = true,
            AutoCommitIntervalMs = CommitIntervalMs,
            EnablePartitionEof = options.ExitAtEnd,
        };
        var consumer = run.Builder(settings)
            .SetPartitionsAssignedHandler((_, partitions) => run.Assigned(partitions))
            .SetOffsetsCommittedHandler((_, committed) => run.Committed(committed))
            .Build();
        try
        {
            consumer.Subscribe(options.Topic);

            // for message in my_consumer:
            while (!stop.IsCancellationRequested && !run.Finished)
            {
                var record = run.Next(consumer);
                if (record is null) continue;

                // message = message.value (value_deserializer=lambda x: loads(x.decode('utf-8')))
                if (!run.TryJson(record, out string message)) continue;

                // collection.insert_one(message)
                try
                {
                    target.Insert(SinkRow.From(record, message));
                }
                catch (SinkWriteException e)
                {
                    run.WriteFailed(e, "Its offset is committed by the next tick anyway: this record is lost.");
                    break;
                }

                // print('{} added to {}'.format(message, my_collection))
                run.Added(record, message, position: null);
            }
        }
        catch
        {
            run.Close(consumer);
            throw;
        }

        // Close() commits the consumed offsets one last time; a crash skips that, and the rows
        // inserted since the last tick are inserted again by whoever takes over.
        return run.Close(consumer);
    }
}
