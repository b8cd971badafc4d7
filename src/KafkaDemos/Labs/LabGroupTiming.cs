using Confluent.Kafka;
using KafkaDemos.Broker;

namespace KafkaDemos.Labs;

/// <summary>
/// Group timing for the labs on the embedded broker. Its group coordinator waits
/// session.timeout.ms - 1 s before completing a rebalance a member joins, and notices a crashed
/// member only after session.timeout.ms: with 3 s instead of the course's 6 s every rebalance
/// takes about 2 s, and the labs stay quick. A configured broker keeps the configured values.
/// </summary>
public static class LabGroupTiming
{
    public const int SessionTimeoutMs = EmbeddedGroupTiming.SessionTimeoutMs;
    public const int HeartbeatIntervalMs = EmbeddedGroupTiming.HeartbeatIntervalMs;

    public static string Note =>
        $"session.timeout.ms={SessionTimeoutMs} and heartbeat.interval.ms={HeartbeatIntervalMs} on the embedded broker, " +
        "so each rebalance takes about 2 s there (its coordinator waits session.timeout.ms - 1 s for members)";

    /// <summary>The client properties that apply them (for a child process's -X flags).</summary>
    public static IReadOnlyList<string> Properties => EmbeddedGroupTiming.Properties;

    /// <summary>
    /// The same timing for KIP-848's consumer protocol, where the broker owns it: on the embedded
    /// broker its coordinator gives members a session of <see cref="SessionTimeoutMs"/> and asks for a
    /// heartbeat every <see cref="HeartbeatIntervalMs"/>, so both protocols are measured alike.
    /// </summary>
    public static void ApplyToConsumerGroups(LabBroker broker) =>
        broker.Embedded?.Cluster.SetConsumerGroupTiming(TimeSpan.FromMilliseconds(SessionTimeoutMs), TimeSpan.FromMilliseconds(HeartbeatIntervalMs));

    public static ConsumerConfig Apply(ConsumerConfig config, LabBroker broker)
    {
        if (broker.Embedded is null) return config;
        return new ConsumerConfig(config) { SessionTimeoutMs = SessionTimeoutMs, HeartbeatIntervalMs = HeartbeatIntervalMs };
    }
}
