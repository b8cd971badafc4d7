using Confluent.Kafka;

namespace KafkaDemos.Broker;

/// <summary>
/// Consumer-group timing for the embedded broker, in one place for the tour, the labs and the
/// tests. Its group coordinator waits session.timeout.ms - 1 s before completing a rebalance a
/// member joins, and notices a crashed member only after session.timeout.ms: with 3 s instead of
/// the course's 6 s every rebalance takes about 2 s there. A configured broker keeps the configured values.
/// </summary>
public static class EmbeddedGroupTiming
{
    public const int SessionTimeoutMs = 3000;

    /// <summary>A sixth of the session, so a member heartbeats several times before it could be thought dead.</summary>
    public const int HeartbeatIntervalMs = 500;

    /// <summary>The client properties that apply them (for a child process's -X flags).</summary>
    public static IReadOnlyList<string> Properties =>
        [$"session.timeout.ms={SessionTimeoutMs}", $"heartbeat.interval.ms={HeartbeatIntervalMs}"];

    public static void ApplyTo(ConsumerConfig config)
    {
        config.SessionTimeoutMs = SessionTimeoutMs;
        config.HeartbeatIntervalMs = HeartbeatIntervalMs;
    }
}
