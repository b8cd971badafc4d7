using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Sink;

/// <summary>
/// The course's consume.py made to keep its promise ("if the consumer breaks down, another
/// continues where it left off", without missing data or duplicates). This is the "store offsets
/// outside Kafka" pattern of Kafka's consumer documentation: the consumer's position lives in the
/// database, next to the rows, and moves in the same transaction as each row (SQLite). On
/// assignment the consumer seeks to the stored positions, so whoever takes over a partition starts
/// exactly after the last row that was written. Nothing is committed to Kafka.
/// </summary>
public static class DbCommitSink
{
    public const string Name = "db";

    public static SinkOutcome Run(ConsumerConfig config, ISinkTarget target, SinkOptions options, Reporter reporter, CancellationToken stop)
    {
        var run = new SinkReport(Name, target, options, reporter);

        // The same consumer, without auto-commit: Kafka's committed offsets play no part.
        var settings = new ConsumerConfig(config.ToDictionary())
        {
            EnableAutoCommit = false,
            EnablePartitionEof = options.ExitAtEnd,
        };
        var consumer = run.Builder(settings)
            // On assignment: start each partition at the position stored with the rows.
            .SetPartitionsAssignedHandler((_, partitions) => run.Resume(partitions, settings.AutoOffsetReset))
            .Build();
        try
        {
            consumer.Subscribe(options.Topic);

            // for message in my_consumer:
            while (!stop.IsCancellationRequested && !run.Finished)
            {
                var record = run.Next(consumer);
                if (record is null) continue;

                // message = message.value; a record that is not JSON writes no row, but its position
                // still moves, so it is not read again.
                bool json = run.TryJson(record, out string message);

                // collection.insert_one(message), and the position after it, in one transaction:
                // after a crash either both are in the database or neither is.
                PositionedWrite written;
                try
                {
                    written = target.WriteWithPosition(json ? SinkRow.From(record, message) : null, record.TopicPartitionOffset);
                }
                catch (SinkWriteException e)
                {
                    run.WriteFailed(e, "Neither the row nor its position was stored: the next run writes it.");
                    break;
                }

                // print('{} added to {}'.format(message, my_collection))
                if (written == PositionedWrite.AlreadyStored) run.AlreadyStored(record);
                else if (json) run.Added(record, message, record.Offset.Value + 1);
            }
        }
        catch
        {
            run.Close(consumer);
            throw;
        }

        // Nothing to commit on the way out: the database already has every position.
        return run.Close(consumer);
    }
}
