using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Labs;

/// <summary>One record as it sits in the log.</summary>
public sealed record StoredRecord(int Partition, long Offset, string? Key, string? Value);

/// <summary>
/// Reads a whole topic back with its own consumer (no group, no commits), from each
/// partition's low to high watermark. Checks are made on this, never on what a demo says it did.
/// </summary>
public static class ReadBack
{
    public static List<StoredRecord> All(ConsumerConfig baseConfig, string topic, TimeSpan timeout) =>
        [.. Records(baseConfig, topic, timeout).Select(r => new StoredRecord(r.Partition.Value, r.Offset.Value, r.Message.Key, r.Message.Value))];

    /// <summary>The same read, keeping each record whole (headers, timestamp), for the tests that check them.</summary>
    public static List<ConsumeResult<string?, string?>> Records(ConsumerConfig baseConfig, string topic, TimeSpan timeout)
    {
        var config = new ConsumerConfig(baseConfig.ToDictionary())
        {
            GroupId = "readback-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            // A transaction's commit marker takes the last offset below the high watermark and is never
            // delivered as a record: the end of the partition is what says the read is complete.
            EnablePartitionEof = true,
        };
        using var consumer = new ConsumerBuilder<string?, string?>(config).SetLogHandler((_, _) => { }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var marks = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)));
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, marks[p].Low)));
        var remaining = marks.Where(m => m.Value.High > m.Value.Low).Select(m => m.Key).ToHashSet();
        var records = new List<ConsumeResult<string?, string?>>();
        var deadline = DateTime.UtcNow + timeout;
        while (remaining.Count > 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new DemoException($"Reading {topic} back did not reach the end of partitions {string.Join(", ", remaining.Select(p => p.Partition.Value))} within {timeout.TotalSeconds:0} s", ExitCodes.Failed);
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null) continue;
            if (result.IsPartitionEOF)
            {
                if (result.Offset.Value >= marks[result.TopicPartition].High) remaining.Remove(result.TopicPartition);
                continue;
            }
            records.Add(result);
            if (result.Offset.Value + 1 >= marks[result.TopicPartition].High) remaining.Remove(result.TopicPartition);
        }
        consumer.Close();
        return records;
    }
}
