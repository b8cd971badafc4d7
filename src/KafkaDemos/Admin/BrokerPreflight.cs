using Confluent.Kafka;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;

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
        var config = new AdminClientConfig(adminConfig.ToDictionary()) { SocketConnectionSetupTimeoutMs = (int)Math.Max(1000, timeout.TotalMilliseconds) };
        using var admin = new AdminClientBuilder(config)
            .SetLogHandler((_, m) => { if (m.Facility == "FAIL") lastError = m.Message; })
            .SetErrorHandler((_, e) => lastError ??= e.Reason)
            .Build();
        try
        {
            var metadata = admin.GetMetadata(timeout);
            if (metadata.Brokers.Count == 0) throw new KafkaException(ErrorCode.Local_Transport);
            return metadata;
        }
        catch (KafkaException e)
        {
            throw new BrokerUnreachableException(Message(config.BootstrapServers, timeout, lastError ?? e.Error.Reason), e);
        }
    }

    public static string Message(string bootstrapServers, TimeSpan timeout, string reason) =>
        $"No Kafka broker answered at {bootstrapServers} within {timeout.TotalSeconds:0.#} s ({reason}).\n" +
        "  Start one:  ./demo broker            (embedded, in-memory, no install)\n" +
        "          or  docker compose up -d     (Apache Kafka in Docker)\n" +
        "  or point -b / KAFKA_BOOTSTRAP_SERVERS at a running cluster.";
}
