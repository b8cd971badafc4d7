using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaDemos.Admin;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Cli.Output;
using KafkaDemos.Configuration;

namespace KafkaDemos.Labs;

/// <summary>
/// The broker a tour or lab runs on: the configured one if it answers the preflight, else
/// (or with --embedded) the embedded broker started in-process on free ports. Creates the
/// fresh topics each chapter uses, so runs never see each other's data.
/// </summary>
public sealed class LabBroker : IAsyncDisposable
{
    private static readonly TimeSpan AdminTimeout = TimeSpan.FromSeconds(15);

    private LabBroker(string bootstrapServers, EmbeddedBroker? embedded)
    {
        BootstrapServers = bootstrapServers;
        Embedded = embedded;
    }

    public string BootstrapServers { get; }

    /// <summary>The in-process embedded broker, or null when the configured broker is used.</summary>
    public EmbeddedBroker? Embedded { get; }

    public string Description => Embedded is null
        ? $"the configured broker at {BootstrapServers}"
        : $"the embedded broker at {BootstrapServers} ({EmbeddedBroker.Disclaimer})";

    public static async Task<LabBroker> AcquireAsync(DemoConfiguration config, bool embedded, IEventSink sink)
    {
        if (!embedded)
        {
            try
            {
                BrokerPreflight.Check(config);
                return new LabBroker(config.BootstrapServers, null);
            }
            catch (BrokerUnreachableException)
            {
                sink.Emit(new InfoEvent($"No broker answered at {config.BootstrapServers}; starting the embedded broker in this process instead."));
            }
        }
        var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        return new LabBroker(broker.BootstrapServers, broker);
    }

    public ProducerConfig ProducerConfig(DemoConfiguration config) => new(config.ProducerConfig()) { BootstrapServers = BootstrapServers };

    public ConsumerConfig ConsumerConfig(DemoConfiguration config) => new(config.ConsumerConfig()) { BootstrapServers = BootstrapServers };

    public AdminClientConfig AdminConfig(DemoConfiguration config) => new(config.AdminConfig()) { BootstrapServers = BootstrapServers };

    /// <summary>Creates a topic named <paramref name="prefix"/> plus a run id, with <paramref name="partitions"/> partitions.</summary>
    public async Task<string> CreateTopicAsync(DemoConfiguration config, string prefix, int partitions)
    {
        string name = $"{prefix}.{Guid.NewGuid().ToString("N")[..8]}";
        if (Embedded is not null)
        {
            Embedded.CreateTopic(name, partitions);
            return name;
        }
        using var admin = new AdminClientBuilder(AdminConfig(config)).SetLogHandler((_, _) => { }).Build();
        var spec = new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = -1 };
        try
        {
            await admin.CreateTopicsAsync([spec], new CreateTopicsOptions { RequestTimeout = AdminTimeout, OperationTimeout = AdminTimeout })
                .WaitAsync(AdminTimeout + TimeSpan.FromSeconds(5));
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.Local_UnsupportedFeature or ErrorCode.UnsupportedVersion)
        {
            // A broker without the topic admin API (`demo broker` in another terminal): asking for the
            // topic's metadata auto-creates it, with the broker's default partition count.
            admin.GetMetadata(name, AdminTimeout);
        }
        await WaitForLeadersAsync(admin, name, partitions);
        return name;
    }

    /// <summary>A new topic's partitions need leaders before producers and consumers use them.</summary>
    private static async Task WaitForLeadersAsync(IAdminClient admin, string topic, int partitions)
    {
        var deadline = DateTime.UtcNow + AdminTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var meta = admin.GetMetadata(TimeSpan.FromSeconds(5)).Topics.FirstOrDefault(t => t.Topic == topic);
            if (meta is not null && meta.Partitions.Count > 0 && meta.Partitions.All(p => p.Leader >= 0))
            {
                if (meta.Partitions.Count == partitions) return;
                throw new DemoException($"Topic '{topic}' was created with {meta.Partitions.Count} partitions, not {partitions}: " +
                    "the broker auto-creates topics with its own default (num.partitions); set it to 4", ExitCodes.Failed);
            }
            await Task.Delay(200);
        }
        throw new DemoException($"Topic '{topic}' has no leader for every partition after {AdminTimeout.TotalSeconds:0} s", ExitCodes.Failed);
    }

    public async ValueTask DisposeAsync()
    {
        if (Embedded is not null) await Embedded.DisposeAsync();
    }
}
