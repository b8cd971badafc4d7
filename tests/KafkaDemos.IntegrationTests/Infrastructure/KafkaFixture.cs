using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaDemos.Broker;

namespace KafkaDemos.IntegrationTests.Infrastructure;

public enum BrokerKind
{
    /// <summary>The in-process embedded broker (librdkafka's mock cluster).</summary>
    Embedded,

    /// <summary>A cluster named by KAFKA_BOOTSTRAP_SERVERS.</summary>
    External,
}

/// <summary>
/// The one broker every integration test uses, shared by the whole test assembly.
/// KAFKA_BOOTSTRAP_SERVERS set: that cluster; otherwise the embedded broker, in-process on free ports.
/// Tests use unique topic and group names, so they run in parallel on one broker.
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public const string ExternalVariable = "KAFKA_BOOTSTRAP_SERVERS";

    private EmbeddedBroker? _embedded;

    public BrokerKind Kind { get; private set; }

    public string BootstrapServers { get; private set; } = "";

    /// <summary>The embedded broker, for fault injection; null on any other broker.</summary>
    public EmbeddedBroker? Embedded => _embedded;

    public async ValueTask InitializeAsync()
    {
        string? external = Environment.GetEnvironmentVariable(ExternalVariable);
        if (!string.IsNullOrWhiteSpace(external))
        {
            Kind = BrokerKind.External;
            BootstrapServers = external;
        }
        else
        {
            Kind = BrokerKind.Embedded;
            _embedded = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
            BootstrapServers = _embedded.BootstrapServers;
        }
        Console.Error.WriteLine($"Integration tests use the {Describe()}");
    }

    public string Describe() => Kind switch
    {
        BrokerKind.Embedded => $"embedded broker ({EmbeddedBroker.Disclaimer}) at {BootstrapServers}",
        _ => $"external cluster at {BootstrapServers} (KAFKA_BOOTSTRAP_SERVERS)",
    };

    /// <summary>Skips the calling test unless the embedded broker (with fault injection) is in use.</summary>
    public EmbeddedBroker RequireEmbedded(string why)
    {
        if (_embedded is null) Assert.Skip($"needs the embedded broker ({why}); this run uses the {Describe()}");
        return _embedded;
    }

    /// <summary>Skips the calling test on the embedded broker, which lacks the API it needs.</summary>
    public void RequireRealKafka(string missingApi)
    {
        if (Kind == BrokerKind.Embedded) Assert.Skip($"the embedded broker has no {missingApi}; runs against real Kafka (KAFKA_BOOTSTRAP_SERVERS or Docker)");
    }

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    /// <summary>Creates a topic: through the mock cluster on the embedded broker, the Admin API elsewhere.</summary>
    public async Task<string> CreateTopicAsync(string prefix, int partitions)
    {
        string name = UniqueName(prefix);
        if (_embedded is not null)
        {
            _embedded.CreateTopic(name, partitions);
            return name;
        }
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = -1 }]);
        return name;
    }

    public ProducerConfig ProducerConfig() => new() { BootstrapServers = BootstrapServers, LingerMs = 1 };

    public ConsumerConfig ConsumerConfig(string group) => new()
    {
        BootstrapServers = BootstrapServers,
        GroupId = group,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
        SessionTimeoutMs = 6000,
    };

    public AdminClientConfig AdminConfig() => new() { BootstrapServers = BootstrapServers };

    /// <summary>Arguments that point a `demo` child process at this broker.</summary>
    public string[] DemoArgs(params string[] args) => [.. args, "-b", BootstrapServers];

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null) await _embedded.DisposeAsync();
    }
}
