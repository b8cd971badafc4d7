using System.Net;
using KafkaDemos.Configuration;

namespace KafkaDemos.Broker;

public sealed record EmbeddedBrokerOptions
{
    /// <summary>Three by default, so replicas, leaders and ISR show in metadata.</summary>
    public int Brokers { get; init; } = 3;

    /// <summary>Port of broker 1; broker N listens on Port + N - 1. 0 picks free ports.</summary>
    public int Port { get; init; }

    public IReadOnlyList<TopicDeclaration> Topics { get; init; } = [];

    /// <summary>
    /// How long the first member of a new group waits for others before the group forms
    /// (Kafka's group.initial.rebalance.delay.ms). Short, so a lone consumer starts at once.
    /// </summary>
    public TimeSpan InitialRebalanceDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Clients connect to the mock brokers' own listeners (free ports on 127.0.0.1) instead of
    /// through relays. For a broker in the same process whose address nobody types: no fixed
    /// ports and no ::1, but no relay copying every byte either. Requires <see cref="Port"/> 0.
    /// </summary>
    public bool Direct { get; init; }
}

/// <summary>
/// The embedded development broker: librdkafka's in-memory mock cluster behind TCP relays
/// on fixed loopback ports (or, <see cref="EmbeddedBrokerOptions.Direct"/>, reached on its own free ports). A test double for development and tests, not Apache Kafka:
/// it lacks the topic admin API (CreateTopics, DeleteTopics, CreatePartitions),
/// ListGroups, DescribeGroups and DescribeConfigs, and keeps only recent data per partition.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    public const string Disclaimer =
        "librdkafka's in-memory mock cluster, a Kafka-protocol test double for development: not Apache Kafka";

    private readonly MockCluster _cluster;
    private readonly List<TcpRelay> _relays;
    private readonly List<IPEndPoint> _addresses;

    private EmbeddedBroker(MockCluster cluster, List<TcpRelay> relays, List<IPEndPoint> addresses)
    {
        _cluster = cluster;
        _relays = relays;
        _addresses = addresses;
    }

    public static async Task<EmbeddedBroker> StartAsync(EmbeddedBrokerOptions options)
    {
        if (options.Direct && options.Port != 0) throw new ArgumentException("a direct embedded broker listens on free ports: Port must be 0", nameof(options));
        var cluster = new MockCluster(options.Brokers);
        var relays = new List<TcpRelay>();
        try
        {
            var internalAddresses = cluster.InternalAddresses;
            if (!options.Direct)
            {
                for (int i = 0; i < options.Brokers; i++)
                {
                    var target = IPEndPoint.Parse(internalAddresses[i]);
                    int port = options.Port == 0 ? 0 : options.Port + i;
                    var relay = new TcpRelay(port, target);
                    relays.Add(relay);
                    cluster.Advertise(brokerId: i + 1, "127.0.0.1", relay.Port);
                }
            }
            cluster.SetInitialRebalanceDelay(options.InitialRebalanceDelay);
            foreach (var topic in options.Topics)
                cluster.CreateTopic(topic.Name, topic.Partitions, topic.ReplicationFactor);
            var addresses = options.Direct ? internalAddresses.Select(IPEndPoint.Parse).ToList() : relays.Select(r => new IPEndPoint(IPAddress.Loopback, r.Port)).ToList();
            return new EmbeddedBroker(cluster, relays, addresses);
        }
        catch
        {
            foreach (var relay in relays) await relay.DisposeAsync();
            cluster.Dispose();
            throw;
        }
    }

    public string BootstrapServers => string.Join(',', _addresses);

    public IReadOnlyList<int> Ports => _addresses.Select(a => a.Port).ToList();

    /// <summary>Fault injection and topic creation for tests and labs.</summary>
    public MockCluster Cluster => _cluster;

    public void CreateTopic(string name, int partitions, int replicationFactor = 3) =>
        _cluster.CreateTopic(name, partitions, replicationFactor);

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in _relays) await relay.DisposeAsync();
        _cluster.Dispose();
    }
}
