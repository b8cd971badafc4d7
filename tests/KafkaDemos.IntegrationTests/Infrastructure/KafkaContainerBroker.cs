using Testcontainers.Kafka;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>
/// A single-node Apache Kafka (KRaft) in a container, through Testcontainers.Kafka's
/// <see cref="KafkaBuilder"/>: it maps the client port, advertises it, waits until the broker
/// is ready, and its resource reaper removes the container even when a test run is killed.
/// </summary>
public static class KafkaContainerBroker
{
    /// <summary>The image docker-compose.yml pins too.</summary>
    public const string Image = "apache/kafka:4.3.1";

    /// <summary>
    /// Like the embedded broker and docker-compose.yml: 4 partitions for auto-created topics and
    /// no initial rebalance delay, so group tests do not wait 3 s for the first join.
    /// </summary>
    public static KafkaContainer Build() =>
        new KafkaBuilder(Image)
            .WithKRaft()
            .WithEnvironment("KAFKA_NUM_PARTITIONS", "4")
            .WithEnvironment("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
            .Build();
}
