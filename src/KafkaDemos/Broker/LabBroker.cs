using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaDemos.Admin;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Broker;

/// <summary>
/// The broker a tour or lab runs on: the configured one if it answers the preflight, else
/// (or with --embedded) the embedded broker started in-process on free ports. Creates the
/// fresh topics each chapter uses, so runs never see each other's data.
/// </summary>
public sealed class LabBroker : IAsyncDisposable
{
    private static readonly TimeSpan AdminTimeout = TimeSpan.FromSeconds(15);

    private LabBroker(string bootstrapServers, EmbeddedBroker? embedded, int brokerCount)
    {
        BootstrapServers = bootstrapServers;
        Embedded = embedded;
        BrokerCount = brokerCount;
    }

    public string BootstrapServers { get; }

    /// <summary>How many brokers the cluster has (from the preflight's metadata).</summary>
    public int BrokerCount { get; }

    /// <summary>The in-process embedded broker, or null when the configured broker is used.</summary>
    public EmbeddedBroker? Embedded { get; }

    public string Description => Embedded is null
        ? $"the configured broker at {BootstrapServers}"
        : $"the embedded broker at {BootstrapServers} ({EmbeddedBroker.Disclaimer})";

    public static async Task<LabBroker> AcquireAsync(DemoConfiguration config, bool embedded, Reporter reporter)
    {
        if (!embedded)
        {
            try
            {
                var metadata = BrokerPreflight.Check(config);
                return new LabBroker(config.BootstrapServers, null, metadata.Brokers.Count);
            }
            catch (BrokerUnreachableException)
            {
                reporter.Emit(new InfoEvent($"No broker answered at {config.BootstrapServers}; starting the embedded broker in this process instead."));
            }
        }
        var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Direct = true });
        return new LabBroker(broker.BootstrapServers, broker, broker.Cluster.BrokerCount);
    }

    public ProducerConfig ProducerConfig(DemoConfiguration config) => new(config.ProducerConfig()) { BootstrapServers = BootstrapServers };

    public ConsumerConfig ConsumerConfig(DemoConfiguration config) => new(config.ConsumerConfig()) { BootstrapServers = BootstrapServers };

    public AdminClientConfig AdminConfig(DemoConfiguration config) => new(config.AdminConfig()) { BootstrapServers = BootstrapServers };

    /// <summary>Creates a topic named <paramref name="prefix"/> plus a run id, with exactly <paramref name="partitions"/> partitions.</summary>
    public async Task<string> CreateTopicAsync(DemoConfiguration config, string prefix, int partitions)
    {
        var topic = await CreateTopicAllowingDefaultAsync(config, prefix, partitions);
        if (topic.Partitions != partitions)
            throw new DemoException($"Topic '{topic.Name}' was created with {topic.Partitions} partitions, not {partitions}: " +
                "the broker auto-creates topics with its own default (num.partitions); set it to 4", ExitCodes.Failed);
        return topic.Name;
    }

    /// <summary>
    /// For runs that need topics with a partition count other than the broker's default: asks the configured
    /// broker to validate a topic creation without creating anything. One without CreateTopics (`demo broker`
    /// in another terminal) would auto-create the topic with its own count, so the run would fail after
    /// leaving a topic behind. Said at once, with what to run instead.
    /// </summary>
    public async Task RequireTopicCreationAsync(DemoConfiguration config, int partitions)
    {
        if (Embedded is not null || _creationChecked) return;
        using var admin = new AdminClientBuilder(AdminConfig(config)).SetLogHandler((_, _) => { }).Build();
        var spec = new TopicSpecification { Name = $"lab.check.{Guid.NewGuid().ToString("N")[..8]}", NumPartitions = partitions, ReplicationFactor = -1 };
        try
        {
            await admin.CreateTopicsAsync([spec], new CreateTopicsOptions { ValidateOnly = true, RequestTimeout = AdminTimeout })
                .WaitAsync(AdminTimeout + TimeSpan.FromSeconds(5));
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.Local_UnsupportedFeature or ErrorCode.UnsupportedVersion)
        {
            throw new DemoException($"The broker at {BootstrapServers} cannot create topics (no CreateTopics: `demo broker` is such a broker), " +
                $"and this needs fresh topics with exactly {partitions} partition(s): add --embedded to run on an embedded broker in this process.", ExitCodes.Usage, e);
        }
        catch (CreateTopicsException)
        {
            // The broker has the API and refused this particular spec; the real creation reports why.
        }
        catch (TimeoutException e)
        {
            throw new DemoException($"The broker at {BootstrapServers} did not answer a topic validation within {AdminTimeout.TotalSeconds + 5:0} s", ExitCodes.Failed, e);
        }
        _creationChecked = true;
    }

    private bool _creationChecked;

    /// <summary>
    /// Creates a fresh topic. A broker without the topic admin API (`demo broker` in another
    /// terminal) auto-creates it on first use instead, with its default partition count, which
    /// the result reports.
    /// </summary>
    public async Task<CreatedTopic> CreateTopicAllowingDefaultAsync(DemoConfiguration config, string prefix, int partitions)
    {
        string name = $"{prefix}.{Guid.NewGuid().ToString("N")[..8]}";
        if (Embedded is not null)
        {
            Embedded.CreateTopic(name, partitions);
            return new CreatedTopic(name, partitions, AutoCreated: false);
        }
        using var admin = new AdminClientBuilder(AdminConfig(config)).SetLogHandler((_, _) => { }).Build();
        var spec = new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = -1 };
        bool autoCreated = false;
        try
        {
            await admin.CreateTopicsAsync([spec], new CreateTopicsOptions { RequestTimeout = AdminTimeout, OperationTimeout = AdminTimeout })
                .WaitAsync(AdminTimeout + TimeSpan.FromSeconds(5));
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.Local_UnsupportedFeature or ErrorCode.UnsupportedVersion)
        {
            // Asking for the topic's metadata auto-creates it on a broker that allows that.
            admin.GetMetadata(name, AdminTimeout);
            autoCreated = true;
        }
        catch (CreateTopicsException e)
        {
            var error = e.Results.Single().Error;
            throw new DemoException($"Could not create topic '{name}': {error.Reason} ({error.Code})", ExitCodes.Failed, e);
        }
        catch (TimeoutException e)
        {
            throw new DemoException($"Creating topic '{name}' got no answer within {AdminTimeout.TotalSeconds + 5:0} s", ExitCodes.Failed, e);
        }
        return new CreatedTopic(name, await WaitForLeadersAsync(admin, name), autoCreated);
    }

    /// <summary>A new topic's partitions need leaders before producers and consumers use them; returns how many it has.</summary>
    private static async Task<int> WaitForLeadersAsync(IAdminClient admin, string topic)
    {
        var deadline = DateTime.UtcNow + AdminTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var meta = admin.GetMetadata(TimeSpan.FromSeconds(5)).Topics.FirstOrDefault(t => t.Topic == topic);
            if (meta is not null && meta.Partitions.Count > 0 && meta.Partitions.All(p => p.Leader >= 0)) return meta.Partitions.Count;
            await Task.Delay(200);
        }
        throw new DemoException($"Topic '{topic}' has no leader for every partition after {AdminTimeout.TotalSeconds:0} s", ExitCodes.Failed);
    }

    public async ValueTask DisposeAsync()
    {
        if (Embedded is not null) await Embedded.DisposeAsync();
    }
}

/// <summary>A topic made for one run: its name, its partitions, and whether the broker auto-created it.</summary>
public sealed record CreatedTopic(string Name, int Partitions, bool AutoCreated);
