using Confluent.Kafka;
using KafkaDemos.Labs;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>Reads a topic back, independently of the demo under test, with the same reader the labs and the tour check with.</summary>
public static class TopicReader
{
    public static List<ConsumeResult<string?, string?>> ReadAll(KafkaFixture kafka, string topic, TimeSpan? timeout = null) =>
        ReadBack.Records(kafka.ConsumerConfig("reader-" + Guid.NewGuid().ToString("N")), topic, timeout ?? TimeSpan.FromSeconds(30));
}
