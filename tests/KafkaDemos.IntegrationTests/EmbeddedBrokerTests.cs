using System.Net.Sockets;
using Confluent.Kafka;
using KafkaDemos.Broker;
using KafkaDemos.Configuration;

namespace KafkaDemos.IntegrationTests;

public sealed class EmbeddedBrokerTests
{
    [Fact]
    public async Task Starts_in_process_on_free_ports_and_metadata_shows_every_broker_at_its_relay_port()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 3, Port = 0 });
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));

        Assert.Equal(3, metadata.Brokers.Count);
        Assert.Equal(broker.Ports.Order(), metadata.Brokers.Select(b => b.Port).Order());
        Assert.All(metadata.Brokers, b => Assert.Equal("127.0.0.1", b.Host));
    }

    [Fact]
    public async Task A_direct_broker_advertises_its_own_listeners_and_round_trips()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 3, Direct = true });
        broker.CreateTopic("direct", 2);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
            await producer.ProduceAsync("direct", new Message<string, string> { Key = "k", Value = "v" });
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "direct" }).Build();
        long records = consumer.QueryWatermarkOffsets(new TopicPartition("direct", 0), TimeSpan.FromSeconds(10)).High
                     + consumer.QueryWatermarkOffsets(new TopicPartition("direct", 1), TimeSpan.FromSeconds(10)).High;

        Assert.Equal(broker.Ports.Order(), metadata.Brokers.Select(b => b.Port).Order());
        Assert.Equal(1, records);
    }

    [Fact]
    public async Task A_direct_broker_refuses_a_fixed_port()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 9092, Direct = true }));

        Assert.Contains("Port must be 0", e.Message);
    }

    [Fact]
    public async Task A_deleted_topic_is_gone_from_metadata()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 1, Direct = true });
        broker.CreateTopic("kept", 1);
        broker.CreateTopic("dropped", 1);
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

        broker.Cluster.DeleteTopic("dropped");
        var topics = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).ToList();

        Assert.Contains("kept", topics);
        Assert.DoesNotContain("dropped", topics);
    }

    [Fact]
    public async Task Declared_topics_have_their_partition_counts_and_replicas()
    {
        TopicDeclaration[] topics = [new("course.four", 4), new("course.one", 1)];
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0, Topics = topics });
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));

        Assert.Equal(4, metadata.Topics.Single(t => t.Topic == "course.four").Partitions.Count);
        Assert.Single(metadata.Topics.Single(t => t.Topic == "course.one").Partitions);
        Assert.All(metadata.Topics.Single(t => t.Topic == "course.four").Partitions, p => Assert.Equal(3, p.Replicas.Length));
    }

    [Fact]
    public async Task Produce_and_consume_round_trip_through_the_relays()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 3, Port = 0 });
        broker.CreateTopic("roundtrip", 4);
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            for (int i = 0; i < 20; i++)
                await producer.ProduceAsync("roundtrip", new Message<string, string> { Key = i.ToString(), Value = "msg_" + i });
        }
        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "roundtrip-group",
            AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe("roundtrip");
        var values = new HashSet<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (values.Count < 20 && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(500)) is { } record) values.Add(record.Message.Value);
        consumer.Close();

        Assert.Equal(Enumerable.Range(0, 20).Select(i => "msg_" + i).ToHashSet(), values);
    }

    [Fact]
    public async Task Auto_created_topics_get_four_partitions()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 1, Port = 0 });
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
            await producer.ProduceAsync("auto.created", new Message<Null, string> { Value = "x" });
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();

        Assert.Equal(4, admin.GetMetadata("auto.created", TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count);
    }

    [Fact]
    public async Task A_port_in_use_is_reported_with_the_port()
    {
        var blocker = new TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        int port = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;
        try
        {
            var e = await Assert.ThrowsAsync<PortInUseException>(() => EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 1, Port = port }));
            Assert.Equal(port, e.Port);
        }
        finally
        {
            blocker.Stop();
        }
    }
}
