using Confluent.Kafka;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>
/// The bounded broker check every broker command makes first, so an unreachable broker is
/// one clear message and exit 3 within seconds, never a hang or a stream of client logs.
/// </summary>
public static class BrokerPreflight
{
    public static Metadata Check(DemoConfiguration config) => Check(config.AdminConfig(), config.Demo.PreflightTimeout);

    public static Metadata Check(AdminClientConfig adminConfig, TimeSpan timeout)
    {
        string? lastError = null;
        // Set when the client reports every broker it knows down (each refused the connection, or
        // its name did not resolve): no answer can come within the timeout, so waiting it out only delays exit 3.
        bool allDown = false;
        var deadline = DateTime.UtcNow + timeout;
        var config = new AdminClientConfig(adminConfig.ToDictionary()) { SocketConnectionSetupTimeoutMs = (int)Math.Max(1000, timeout.TotalMilliseconds) };
        using var admin = ClientRefusal.Build(new AdminClientBuilder(config)
            .SetLogHandler((_, m) => { if (m.Facility == "FAIL") lastError = m.Message; })
            .SetErrorHandler((_, e) =>
            {
                lastError ??= e.Reason;
                // Near the deadline "down" can also be a connection setup that timed out (the client scans
                // its timeouts once a second): that is the timeout's message, not a refusal.
                if (e.Code == ErrorCode.Local_AllBrokersDown && DateTime.UtcNow < deadline - TimeSpan.FromSeconds(1)) Volatile.Write(ref allDown, true);
            })
            .Build);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            try
            {
                // Short rounds, so a client that knows every broker is down is noticed between them.
                var metadata = admin.GetMetadata(left < AttemptBound ? (left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1)) : AttemptBound);
                if (metadata.Brokers.Count == 0) throw new KafkaException(ErrorCode.Local_Transport);
                return metadata;
            }
            catch (KafkaException e) when (!Volatile.Read(ref allDown) && DateTime.UtcNow < deadline)
            {
                lastError ??= e.Error.Reason;
            }
            catch (KafkaException e)
            {
                string reason = lastError ?? e.Error.Reason;
                throw new BrokerUnreachableException(Volatile.Read(ref allDown) ? RefusedMessage(config.BootstrapServers, reason) : Message(config.BootstrapServers, timeout, reason), e);
            }
        }
    }

    /// <summary>One round of the metadata request; rounds repeat until the preflight timeout.</summary>
    private static readonly TimeSpan AttemptBound = TimeSpan.FromMilliseconds(250);

    private static string RefusedMessage(string bootstrapServers, string reason) =>
        $"No Kafka broker is listening at {bootstrapServers}: every address refused the connection or could not be reached ({reason}).\n" + NextSteps;

    public static string Message(string bootstrapServers, TimeSpan timeout, string reason) =>
        $"No Kafka broker answered at {bootstrapServers} within {timeout.TotalSeconds:0.#} s ({reason}).\n" + NextSteps;

    private const string NextSteps =
        "  Start one:  ./demo broker            (embedded, in-memory, no install)\n" +
        "          or  docker compose up -d     (Apache Kafka in Docker)\n" +
        "  or point -b / KAFKA_BOOTSTRAP_SERVERS at a running cluster.";

    /// <summary>
    /// The one rule for a command that reads topics which may not exist yet: with --exit-at-end
    /// there is no end to reach, so it is a usage error naming the topic; otherwise the command
    /// says it waits for the topic to be created.
    /// </summary>
    public static void RequireTopics(Metadata metadata, IEnumerable<string> topics, bool exitAtEnd, string bootstrapServers, Action<string> info)
    {
        foreach (string missing in topics.Where(t => !metadata.Topics.Any(m => m.Topic == t && m.Partitions.Count > 0)))
        {
            if (exitAtEnd)
                throw new UsageException($"--topic '{missing}' does not exist on {bootstrapServers}, so --exit-at-end has no end to reach (demo topics list shows the topics)");
            info($"Topic '{missing}' does not exist yet: waiting for it to be created (Ctrl+C stops).");
        }
    }
}
