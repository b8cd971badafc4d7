using System.Net;
using System.Net.Sockets;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

public sealed class PreflightAndTopicsTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Unreachable_bootstrap_exits_3_within_the_bound_and_names_the_address()
    {
        // A port that was free a moment ago: nothing listens there.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        string address = $"127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
        probe.Stop();

        var result = await DemoProcess.RunAsync(["topics", "list", "-b", address, "--preflight-timeout", "2"], TimeSpan.FromSeconds(30));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains(address, result.Stderr);
        Assert.Contains("./demo broker", result.Stderr);
        Assert.Contains("docker compose up -d", result.Stderr);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(15), $"took {result.Elapsed}");
    }

    [Fact]
    public async Task Topics_list_shows_a_created_topic_with_its_partitions()
    {
        string topic = await kafka.CreateTopicAsync("listed", 2);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "list", "-o", "json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var row = result.OfEvent("table").Single().GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("topic").GetString() == topic);
        Assert.Equal(2, row.GetProperty("partitions").GetInt32());
    }

    [Fact]
    public async Task Topics_describe_shows_watermarks_after_producing()
    {
        string topic = await kafka.CreateTopicAsync("described", 1);
        using (var producer = new Confluent.Kafka.ProducerBuilder<Confluent.Kafka.Null, string>(kafka.ProducerConfig()).Build())
            for (int i = 0; i < 5; i++)
                await producer.ProduceAsync(topic, new() { Value = "msg_" + i });

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "describe", topic, "-o", "json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var row = result.OfEvent("table").Single().GetProperty("rows")[0];
        Assert.Equal(0, row.GetProperty("low").GetInt64());
        Assert.Equal(5, row.GetProperty("high").GetInt64());
        Assert.Equal(5, row.GetProperty("messages").GetInt64());
    }

    [Fact]
    public async Task Topics_describe_of_a_missing_topic_exits_2()
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "describe", "no.such.topic." + Guid.NewGuid().ToString("N")));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("does not exist", result.Stderr);
    }

    [Fact]
    public async Task Topics_create_on_the_embedded_broker_explains_what_to_do_instead()
    {
        kafka.RequireEmbedded("the embedded broker lacks CreateTopics");

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "create", "wanted.topic", "--partitions", "6"), TimeSpan.FromSeconds(40));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("demo broker --topic wanted.topic:6", result.Stderr);
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(20), $"took {result.Elapsed}");
    }
}
