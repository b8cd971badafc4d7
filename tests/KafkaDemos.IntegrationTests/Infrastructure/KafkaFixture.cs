using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaDemos.Broker;
using KafkaDemos.Configuration;
using Testcontainers.Kafka;

namespace KafkaDemos.IntegrationTests.Infrastructure;

public enum BrokerKind
{
    /// <summary>The in-process embedded broker (librdkafka's mock cluster).</summary>
    Embedded,

    /// <summary>A cluster named by KAFKA_BOOTSTRAP_SERVERS.</summary>
    External,

    /// <summary>An apache/kafka container this run started through the Docker engine.</summary>
    Container,
}

/// <summary>
/// The one broker every integration test uses, shared by the whole test assembly, chosen by
/// <see cref="BrokerSelection"/>: KAFKA_BOOTSTRAP_SERVERS set: that cluster; else a reachable
/// Docker engine: an apache/kafka container; else the embedded broker, in-process on free ports.
/// Tests use unique topic and group names, so they run in parallel on one broker.
/// </summary>
public sealed class KafkaFixture : IAsyncLifetime
{
    public const string ExternalVariable = BrokerSelection.ExternalVariable;

    private static readonly TimeSpan TopicReadyTimeout = TimeSpan.FromSeconds(30);

    private EmbeddedBroker? _embedded;
    private KafkaContainer? _container;

    // Client properties every client of the fixture starts from: on an external cluster also
    // whatever the environment sets for the demo (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*, ...).
    private Dictionary<string, string> _clientProperties = [];

    public BrokerKind Kind { get; private set; }

    public string BootstrapServers { get; private set; } = "";

    /// <summary>Why this run uses this broker.</summary>
    public string Reason { get; private set; } = "";

    /// <summary>The embedded broker, for fault injection; null on any other broker.</summary>
    public EmbeddedBroker? Embedded => _embedded;

    public async ValueTask InitializeAsync()
    {
        var choice = await BrokerSelection.ChooseAsync(
            Environment.GetEnvironmentVariable(BrokerSelection.ExternalVariable),
            Environment.GetEnvironmentVariable(BrokerSelection.PreferenceVariable),
            DockerProbe.ProbeAsync);
        Kind = choice.Kind;
        Reason = choice.Reason;
        switch (choice.Kind)
        {
            case BrokerKind.External:
                BootstrapServers = choice.BootstrapServers!;
                _clientProperties = EnvironmentClientProperties(BootstrapServers);
                break;
            case BrokerKind.Container:
                _container = KafkaContainerBroker.Build();
                await _container.StartAsync();
                // Testcontainers gives "plaintext://host:port/"; the demo's -b takes host:port, as Kafka's tools do.
                var address = new Uri(_container.GetBootstrapAddress());
                BootstrapServers = $"{address.Host}:{address.Port}";
                break;
            default:
                _embedded = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
                BootstrapServers = _embedded.BootstrapServers;
                break;
        }
        _clientProperties["bootstrap.servers"] = BootstrapServers;
        Console.Error.WriteLine($"Integration tests use the {Describe()}");
    }

    public string Describe() => Kind switch
    {
        BrokerKind.Embedded => $"embedded broker ({EmbeddedBroker.Disclaimer}) at {BootstrapServers}, because {Reason}",
        BrokerKind.Container => $"Apache Kafka container {_container?.Id[..12]} ({KafkaContainerBroker.Image}, Testcontainers) at {BootstrapServers}, because {Reason}",
        _ => $"external cluster at {BootstrapServers} (KAFKA_BOOTSTRAP_SERVERS)",
    };

    /// <summary>
    /// The client properties the demo itself would take from the environment (security
    /// protocol, SASL credentials, ...) for the admin client, i.e. the common ones, so that
    /// the fixture's own clients reach a secured cluster the way the demo does.
    /// </summary>
    private static Dictionary<string, string> EnvironmentClientProperties(string bootstrapServers) =>
        ConfigLoader.Load(new ConfigRequest { BootstrapServers = bootstrapServers })
            .AdminConfig()
            .ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Skips the calling test unless the embedded broker (with fault injection) is in use.</summary>
    public EmbeddedBroker RequireEmbedded(string why)
    {
        if (_embedded is null) Assert.Skip($"needs the embedded broker ({why}); this run uses the {Describe()} (DEMO_TEST_BROKER=embedded selects the embedded broker)");
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
        using var admin = new AdminClientBuilder(AdminConfig()).Build();
        await admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = -1 }]);
        await WaitForLeadersAsync(admin, name, partitions);
        return name;
    }

    /// <summary>
    /// CreateTopics returns once the controller has the topic; the broker a client asks may learn
    /// of it a moment later. Waiting until metadata shows a leader for every partition keeps the
    /// next step of a test (produce, list, describe) from racing that.
    /// </summary>
    private static async Task WaitForLeadersAsync(IAdminClient admin, string topic, int partitions)
    {
        var deadline = DateTime.UtcNow + TopicReadyTimeout;
        while (true)
        {
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(5)).Topics.FirstOrDefault(t => t.Topic == topic);
            if (metadata is { Error.IsError: false } && metadata.Partitions.Count == partitions && metadata.Partitions.All(p => p.Leader >= 0))
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Topic {topic} has no leader for all {partitions} partitions {TopicReadyTimeout.TotalSeconds:0} s after creation");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    public ProducerConfig ProducerConfig() => new(new Dictionary<string, string>(_clientProperties)) { LingerMs = 1 };

    public ConsumerConfig ConsumerConfig(string group) => new(new Dictionary<string, string>(_clientProperties))
    {
        GroupId = group,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = false,
        SessionTimeoutMs = 6000,
    };

    public AdminClientConfig AdminConfig() => new(new Dictionary<string, string>(_clientProperties));

    /// <summary>Arguments that point a `demo` child process at this broker.</summary>
    public string[] DemoArgs(params string[] args) => [.. args, "-b", BootstrapServers];

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null) await _embedded.DisposeAsync();
        if (_container is not null) await _container.DisposeAsync();
    }
}
