using Confluent.Kafka;
using KafkaDemos.Broker;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Bench;

/// <summary>
/// The broker a benchmark runs against: the one the tour and labs use (the configured one if it
/// answers, else or with --embedded an in-process embedded broker), with what the report says
/// about it. Every run gets a fresh topic.
/// </summary>
public sealed class BenchBroker : IAsyncDisposable
{
    private readonly LabBroker _broker;
    private readonly DemoConfiguration _config;

    private BenchBroker(LabBroker broker, DemoConfiguration config, string description)
    {
        _broker = broker;
        _config = config;
        Description = description;
        KeepsRecentDataOnly = broker.Embedded is not null;
    }

    public string BootstrapServers => _broker.BootstrapServers;

    /// <summary>The in-process embedded broker, when the benchmark started one.</summary>
    public EmbeddedBroker? Embedded => _broker.Embedded;

    /// <summary>What the figures were measured against, for the report.</summary>
    public string Description { get; }

    /// <summary>
    /// True when the broker keeps only recent data per partition (the embedded broker, in this
    /// process or a `demo broker` elsewhere, which has no CreateTopics): consume runs size their
    /// topics so that everything produced stays readable.
    /// </summary>
    public bool KeepsRecentDataOnly { get; private set; }

    public static async Task<BenchBroker> ConnectAsync(DemoConfiguration config, bool embedded, Reporter output)
    {
        var broker = await LabBroker.AcquireAsync(config, embedded, output);
        if (broker.Embedded is { } inProcess)
        {
            output.Emit(new InfoEvent($"Benchmarking against an embedded broker in this process at {inProcess.BootstrapServers}: {EmbeddedBroker.Disclaimer}. " +
                                      "Its figures show the clients' cost, not a real cluster's."));
            return new BenchBroker(broker, config, $"embedded broker in-process, {inProcess.Cluster.BrokerCount} brokers (librdkafka mock cluster)");
        }
        return new BenchBroker(broker, config, $"{broker.BootstrapServers} ({broker.BrokerCount} broker{(broker.BrokerCount == 1 ? "" : "s")})");
    }

    /// <summary>Points client properties at this broker.</summary>
    public T Apply<T>(T config) where T : ClientConfig
    {
        config.BootstrapServers = BootstrapServers;
        return config;
    }

    /// <summary>
    /// A fresh topic with <paramref name="partitions"/> partitions. A broker without CreateTopics
    /// (a `demo broker` in another process) auto-creates it on first use instead, with its default
    /// partition count; the returned note says so.
    /// </summary>
    public async Task<(string Topic, string? Note)> CreateTopicAsync(string prefix, int partitions, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var topic = await _broker.CreateTopicAllowingDefaultAsync(_config, $"bench.{prefix}", partitions);
        if (!topic.AutoCreated) return (topic.Name, null);
        KeepsRecentDataOnly = true;
        return (topic.Name, $"the broker has no CreateTopics (an embedded broker?): the topic was auto-created on first use with {topic.Partitions} partitions");
    }

    /// <summary>The topic's partition count from metadata; <paramref name="planned"/> if the broker does not say.</summary>
    public int PartitionCount(string topic, int planned) => Embedded is null ? ExistingPartitionCount(topic) ?? planned : planned;

    /// <summary>
    /// The partition count of a topic that already exists, from metadata of all topics (asking
    /// for the one topic would let a broker auto-create it); null when there is no such topic.
    /// </summary>
    public int? ExistingPartitionCount(string topic)
    {
        using var admin = new AdminClientBuilder(_broker.AdminConfig(_config)).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.FirstOrDefault(t => t.Topic == topic);
        return metadata is { Error.IsError: false, Partitions.Count: > 0 } ? metadata.Partitions.Count : null;
    }

    /// <summary>
    /// Frees a run's fresh topic on the in-process embedded broker, whose data lives in this
    /// process: otherwise every run's records would add to the next run's peak memory.
    /// </summary>
    public void Release(string topic) => Embedded?.Cluster.DeleteTopic(topic);

    public ValueTask DisposeAsync() => _broker.DisposeAsync();
}
