using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>The embedded broker across process boundaries, both ways.</summary>
public sealed class BrokerProcessTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_test_connects_to_demo_broker_started_as_a_child_process()
    {
        await using var broker = DemoProcess.Start(["broker", "--port", "0", "--brokers", "2", "--topic", "child.topic:3", "-o", "json"]);
        var started = await broker.WaitForEventAsync("broker_started", TimeSpan.FromSeconds(30));
        string bootstrap = started.GetProperty("bootstrap_servers").GetString()!;

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));

        Assert.Equal(2, metadata.Brokers.Count);
        Assert.Equal(3, metadata.Topics.Single(t => t.Topic == "child.topic").Partitions.Count);
        Assert.Contains("not Apache Kafka", started.GetProperty("kind").GetString());

        broker.Terminate();
        await broker.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, broker.Result(TimeSpan.Zero).ExitCode);
    }

    [Fact]
    public async Task The_demo_binary_connects_to_a_broker_hosted_by_the_test()
    {
        string topic = await kafka.CreateTopicAsync("hosted", 3);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "describe", topic, "-o", "json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var table = result.OfEvent("table").Single();
        Assert.Equal(3, table.GetProperty("rows").GetArrayLength());
    }

    [Fact]
    public async Task Demo_broker_on_a_port_in_use_exits_2_naming_the_port()
    {
        var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        int port = ((IPEndPoint)blocker.LocalEndpoint).Port;
        try
        {
            var result = await DemoProcess.RunAsync(["broker", "--port", port.ToString(), "--brokers", "1"], TimeSpan.FromSeconds(30));

            Assert.Equal(2, result.ExitCode);
            Assert.Contains($"Port {port}", result.Stderr);
            Assert.Contains("--port", result.Stderr);
        }
        finally
        {
            blocker.Stop();
        }
    }
}
