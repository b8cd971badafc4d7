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
    public async Task Demo_broker_serves_broker_N_at_port_plus_N_minus_1_and_advertises_those_ports()
    {
        int basePort = FreePortRun(3);
        await using var broker = DemoProcess.Start(["broker", "--port", basePort.ToString(), "-o", "json"]);
        var started = await broker.WaitForEventAsync("broker_started", TimeSpan.FromSeconds(30));

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = $"localhost:{basePort}" }).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));

        int[] expected = [basePort, basePort + 1, basePort + 2];
        Assert.Equal(expected, metadata.Brokers.Select(b => b.Port).Order());
        Assert.Equal(string.Join(',', expected.Select(p => $"127.0.0.1:{p}")), started.GetProperty("bootstrap_servers").GetString());
        Assert.Equal(4, metadata.Topics.Single(t => t.Topic == "ak03.fourpartition").Partitions.Count);
        broker.Terminate();
        await broker.WaitForExitAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>A base port with <paramref name="count"/> free ports in a row (checked by binding them).</summary>
    private static int FreePortRun(int count)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            int basePort = ((IPEndPoint)first.LocalEndpoint).Port;
            var held = new List<TcpListener> { first };
            try
            {
                for (int i = 1; i < count; i++)
                {
                    var next = new TcpListener(IPAddress.Loopback, basePort + i);
                    next.Start();
                    held.Add(next);
                }
                return basePort;
            }
            catch (SocketException)
            {
            }
            finally
            {
                foreach (var listener in held) listener.Stop();
            }
        }
        throw new InvalidOperationException($"no run of {count} free ports found");
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
