using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>
/// Offsets for a time (ListOffsets with a timestamp, the consumer's offsetsForTimes), checked:
/// "no record that recent" is believed only if the partition's last record is indeed older.
/// Why: the embedded broker answers "none" for every time instead of refusing the request, and a
/// reset built on that answer would silently skip every record.
/// </summary>
public static class TimeOffsets
{
    /// <summary>Per partition the first offset whose timestamp is at or after <paramref name="time"/>; -1 where no record is that recent.</summary>
    /// <exception cref="NotSupportedException">The broker said "none" for a partition whose last record is at or after the time.</exception>
    public static IReadOnlyDictionary<TopicPartition, long> Find(ConsumerConfig baseConfig, IReadOnlyList<PartitionPosition> positions, DateTimeOffset time, Reporter reporter)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig(baseConfig.ToDictionary()) { GroupId = "demo-offsets-for-times", EnableAutoCommit = false })
            .SetLogHandler(ClientLog.Handler<IConsumer<Ignore, Ignore>>(reporter))
            .Build();
        var at = new Timestamp(time.UtcDateTime, TimestampType.CreateTime);
        var found = consumer.OffsetsForTimes(positions.Select(p => new TopicPartitionTimestamp(p.Partition, at)), GroupOffsets.Timeout)
            .ToDictionary(o => o.TopicPartition, o => o.Offset.Value);
        var none = positions.Where(p => p.High > p.Low && (!found.TryGetValue(p.Partition, out long o) || o < 0 || o >= p.High)).ToList();
        foreach (var (partition, last) in LastTimestamps(consumer, none))
        {
            if (last >= time)
                throw new NotSupportedException($"it answered \"no record at or after {time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}\" for {partition.Topic}-{partition.Partition.Value}, whose last record is from {last.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        }
        return found;
    }

    /// <summary>The timestamp of each partition's last record, read within a bound; a partition whose last offset holds no record (a transaction marker) is left out.</summary>
    private static Dictionary<TopicPartition, DateTimeOffset> LastTimestamps(IConsumer<Ignore, Ignore> consumer, IReadOnlyList<PartitionPosition> positions)
    {
        var last = new Dictionary<TopicPartition, DateTimeOffset>();
        if (positions.Count == 0) return last;
        consumer.Assign(positions.Select(p => new TopicPartitionOffset(p.Partition, p.High - 1)));
        var deadline = DateTime.UtcNow + GroupOffsets.Timeout;
        while (last.Count < positions.Count && DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null || record.IsPartitionEOF) continue;
            last[record.TopicPartition] = record.Message.Timestamp.UtcDateTime;
        }
        consumer.Unassign();
        return last;
    }
}
