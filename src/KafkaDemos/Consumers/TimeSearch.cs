using Confluent.Kafka;

namespace KafkaDemos.Consumers;

/// <summary>
/// The first offset at or after a time, by reading, for a broker that does not answer
/// offsets-for-times: the embedded broker (librdkafka's mock cluster) says "no such record" for
/// every time. That answer is checked against the partition's last record; when that record is
/// as late as the time, the answer was wrong, and the partition is read from its beginning until
/// the first record at or after the time (Kafka's own rule), bounded in time.
/// </summary>
internal static class TimeSearch
{
    /// <summary>The first offset at or after <paramref name="timeMs"/>, or null when no record is that late.</summary>
    public static long? ByReading(IConsumer<string?, string?> consumer, TopicPartition partition, long low, long high, long timeMs, TimeSpan bound)
    {
        if (low >= high) return null;
        var last = Read(consumer, partition, high - 1, high, _ => true, bound);
        if (last is null || last.Value.TimestampMs < timeMs) return null;
        return Read(consumer, partition, low, high, ms => ms >= timeMs, bound)?.Offset;
    }

    private static (long Offset, long TimestampMs)? Read(IConsumer<string?, string?> consumer, TopicPartition partition, long from, long high, Func<long, bool> wanted, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        consumer.Assign(new TopicPartitionOffset(partition, from));
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (record is null || record.IsPartitionEOF) continue;
                long ms = record.Message.Timestamp.UnixTimestampMs;
                if (wanted(ms)) return (record.Offset.Value, ms);
                if (record.Offset.Value >= high - 1) return null;
            }
            throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"reading {partition.Topic}-{partition.Partition.Value} for a time took longer than {bound.TotalSeconds:0} s"));
        }
        finally
        {
            consumer.Unassign();
        }
    }
}
