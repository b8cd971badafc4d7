using Confluent.Kafka;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>Reads a topic back, independently of the demo under test, to check what really arrived.</summary>
public static class TopicReader
{
    public static List<ConsumeResult<string?, string?>> ReadAll(KafkaFixture kafka, string topic, TimeSpan? timeout = null)
    {
        var config = kafka.ConsumerConfig("reader-" + Guid.NewGuid().ToString("N"));
        using var consumer = new ConsumerBuilder<string?, string?>(config).Build();
        using var admin = new AdminClientBuilder(kafka.AdminConfig()).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        var ends = partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)));
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, ends[p].Low)));
        var records = new List<ConsumeResult<string?, string?>>();
        var remaining = ends.Where(e => e.Value.High > e.Value.Low).Select(e => e.Key).ToHashSet();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (remaining.Count > 0)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Reading {topic} back: partitions {string.Join(",", remaining)} did not reach their end");
            var record = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (record is null) continue;
            records.Add(record);
            if (record.Offset.Value + 1 >= ends[record.TopicPartition].High) remaining.Remove(record.TopicPartition);
        }
        consumer.Close();
        return records;
    }
}
