using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaDemos.Admin;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Cli.Output;
using KafkaDemos.Configuration;

namespace KafkaDemos.Bench;

/// <summary>
/// The broker a benchmark runs against: the configured one if it answers, else (or with
/// --embedded) an in-process embedded broker on free ports. Every run gets a fresh topic.
/// </summary>
public sealed class BenchBroker : IAsyncDisposable
{
    private static readonly TimeSpan AdminTimeout = TimeSpan.FromSeconds(15);

    private readonly AdminClientConfig _admin;

    private BenchBroker(string bootstrapServers, EmbeddedBroker? embedded, string description, AdminClientConfig admin)
    {
        BootstrapServers = bootstrapServers;
        Embedded = embedded;
        Description = description;
        _admin = admin;
    }

    public string BootstrapServers { get; }

    /// <summary>The in-process embedded broker, when the benchmark started one.</summary>
    public EmbeddedBroker? Embedded { get; }

    /// <summary>What the figures were measured against, for the report.</summary>
    public string Description { get; }

    /// <summary>
    /// True when the broker keeps only recent data per partition (the embedded broker, in this
    /// process or a `demo broker` elsewhere, which has no CreateTopics): consume runs size their
    /// topics so that everything produced stays readable.
    /// </summary>
    public bool KeepsRecentDataOnly { get; private set; }

    public static async Task<BenchBroker> ConnectAsync(DemoConfiguration config, bool embedded, IEventSink output)
    {
        if (!embedded)
        {
            try
            {
                var metadata = BrokerPreflight.Check(config);
                return new BenchBroker(config.BootstrapServers, null,
                    $"{config.BootstrapServers} ({metadata.Brokers.Count} broker{(metadata.Brokers.Count == 1 ? "" : "s")})", config.AdminConfig());
            }
            catch (BrokerUnreachableException e)
            {
                output.Emit(new InfoEvent($"No broker answered at {config.BootstrapServers} ({e.Message.Split('\n')[0]}); starting an in-process embedded broker instead."));
            }
        }
        var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        output.Emit(new InfoEvent($"Benchmarking against an embedded broker in this process at {broker.BootstrapServers}: {EmbeddedBroker.Disclaimer}. " +
                                  "Its figures show the clients' cost, not a real cluster's."));
        var admin = new AdminClientConfig(config.AdminConfig().ToDictionary()) { BootstrapServers = broker.BootstrapServers };
        return new BenchBroker(broker.BootstrapServers, broker, $"embedded broker in-process, {broker.Cluster.BrokerCount} brokers (librdkafka mock cluster)", admin)
        {
            KeepsRecentDataOnly = true,
        };
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
        string topic = $"bench-{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 14)];
        if (Embedded is not null)
        {
            Embedded.CreateTopic(topic, partitions);
            return (topic, null);
        }
        using var admin = new AdminClientBuilder(_admin).Build();
        try
        {
            var spec = new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1 };
            await admin.CreateTopicsAsync([spec], new CreateTopicsOptions { RequestTimeout = AdminTimeout, OperationTimeout = AdminTimeout })
                .WaitAsync(AdminTimeout + TimeSpan.FromSeconds(5), cancellation);
            await WaitForLeadersAsync(admin, topic, partitions, cancellation);
            return (topic, null);
        }
        catch (Exception e) when (TopicsCommand.IsUnsupported(e))
        {
            KeepsRecentDataOnly = true;
            return (topic, "the broker has no CreateTopics (an embedded broker?): the topic was auto-created on first use with its default partitions");
        }
        catch (CreateTopicsException e)
        {
            var error = e.Results.Single().Error;
            throw new DemoException($"Could not create benchmark topic '{topic}': {error.Reason} ({error.Code})", ExitCodes.Failed, e);
        }
        catch (TimeoutException e)
        {
            throw new DemoException($"Creating benchmark topic '{topic}' got no answer within {AdminTimeout.TotalSeconds + 5:0} s", ExitCodes.Failed, e);
        }
    }

    /// <summary>The topic's partition count from metadata; <paramref name="planned"/> if the broker does not say.</summary>
    public int PartitionCount(string topic, int planned)
    {
        if (Embedded is not null) return planned;
        using var admin = new AdminClientBuilder(_admin).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.FirstOrDefault(t => t.Topic == topic);
        return metadata is { Error.IsError: false, Partitions.Count: > 0 } ? metadata.Partitions.Count : planned;
    }

    /// <summary>CreateTopics returns once the controller knows the topic; producing waits until every partition has a leader.</summary>
    private static async Task WaitForLeadersAsync(IAdminClient admin, string topic, int partitions, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + AdminTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(5)).Topics.FirstOrDefault(t => t.Topic == topic);
            if (metadata is { Error.IsError: false } && metadata.Partitions.Count == partitions && metadata.Partitions.All(p => p.Leader >= 0)) return;
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellation);
        }
        throw new DemoException($"Benchmark topic '{topic}' has no leader for all {partitions} partitions {AdminTimeout.TotalSeconds:0} s after creation", ExitCodes.Failed);
    }

    public async ValueTask DisposeAsync()
    {
        if (Embedded is not null) await Embedded.DisposeAsync();
    }
}
