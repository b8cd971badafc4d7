using System.Text.Json;
using KafkaDemos.Broker;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Producers;

/// <summary>`demo produce` run as a child process, the way a learner runs it.</summary>
public sealed class ProduceCommandTests(KafkaFixture kafka)
{
    private static long Long(JsonElement e, string name) => e.GetProperty(name).GetInt64();

    [Fact]
    public async Task Json_output_has_a_delivered_event_per_message_and_a_summary()
    {
        string topic = await kafka.CreateTopicAsync("cli-json", 2);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--mode", "async", "--topic", topic, "-n", "5", "-o", "json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var delivered = result.OfEvent("delivered").ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => i.ToString()), delivered.Select(d => d.GetProperty("key").GetString()).Order());
        Assert.All(delivered, d =>
        {
            Assert.Equal(topic, d.GetProperty("topic").GetString());
            Assert.Equal("msg_" + d.GetProperty("key").GetString(), d.GetProperty("value").GetString());
            Assert.InRange(d.GetProperty("partition").GetInt32(), 0, 1);
            Assert.True(d.GetProperty("offset").GetInt64() >= 0);
        });
        var summary = result.Summary;
        Assert.Equal("produce", summary.GetProperty("of").GetString());
        Assert.Equal(5, Long(summary, "sent"));
        Assert.Equal(5, Long(summary, "delivered"));
        Assert.Equal(0, Long(summary, "failed"));
        Assert.Equal(0, Long(summary, "not_delivered"));
        Assert.Equal(5, TopicReader.ReadAll(kafka, topic).Count);
    }

    [Fact]
    public async Task Text_output_mirrors_the_course_and_stdin_lines_become_messages()
    {
        string topic = await kafka.CreateTopicAsync("cli-stdin", 1);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--topic", topic, "--stdin", "--key-separator", ":"), stdin: "k1:hello\nk2:world\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Start sending messages ...", result.Stderr);
        Assert.Contains($"key=k1, value=hello -> {topic} [0] @ 0", result.Stdout);
        Assert.Contains($"key=k2, value=world -> {topic} [0] @ 1", result.Stdout);
        Assert.Contains("Message sending completed!", result.Stderr);
        Assert.Equal([("k1", "hello"), ("k2", "world")], TopicReader.ReadAll(kafka, topic).Select(r => (r.Message.Key!, r.Message.Value!)));
    }

    [Theory]
    [InlineData("'bogus'", null, "--mode", "bogus")]
    [InlineData("--count -1", null, "--count", "-1")]
    [InlineData("acks=2 (from flag --acks)", null, "--acks", "2")]
    [InlineData("acks=2 (from flag -X)", null, "-X", "acks=2")]
    [InlineData("'not-json'", null, "--mode", "json", "--value", "not-json")]
    [InlineData("acks=1", null, "--mode", "idempotent", "--acks", "1")]
    [InlineData("'no separator here'", "a:1\nno separator here\n", "--stdin", "--key-separator", ":")]
    public async Task Bad_input_exits_2_naming_the_value(string named, string? stdin, params string[] args)
    {
        string topic = await kafka.CreateTopicAsync("cli-bad", 1);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs(["produce", "--topic", topic, .. args]), stdin: stdin);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task Ctrl_c_stops_sending_flushes_and_reports_with_exit_0_when_all_sent_were_delivered()
    {
        string topic = await kafka.CreateTopicAsync("cli-interrupt", 2);
        await using var demo = DemoProcess.Start(kafka.DemoArgs("produce", "--topic", topic, "-n", "1000", "--interval", "0.1", "-o", "json"));
        await demo.WaitForEventAsync(e => e.GetProperty("event").GetString() == "delivered" && e.GetProperty("key").GetString() == "2", TimeSpan.FromSeconds(30));

        demo.Interrupt();
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(20));

        var result = demo.Result(TimeSpan.Zero);
        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = result.Summary;
        Assert.True(summary.GetProperty("interrupted").GetBoolean());
        Assert.InRange(Long(summary, "sent"), 3, 999);
        Assert.Equal(Long(summary, "sent"), Long(summary, "delivered"));
        Assert.Equal(Long(summary, "delivered"), TopicReader.ReadAll(kafka, topic).Count);
    }

    [Fact]
    public async Task Broker_gone_mid_run_reports_every_failure_counts_only_real_deliveries_and_exits_1_in_bounded_time()
    {
        kafka.RequireEmbedded("stops a broker of its own mid-run");
        var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 1, Port = 0 });
        DemoResult result;
        bool stopped = false;
        try
        {
            broker.CreateTopic("going", 1);
            await using var demo = DemoProcess.Start(["produce", "-b", broker.BootstrapServers, "--topic", "going", "-n", "30", "--interval", "0.1",
                "-X", "message.timeout.ms=1500", "-o", "json"]);
            await demo.WaitForEventAsync(e => e.GetProperty("event").GetString() == "delivered" && e.GetProperty("key").GetString() == "2", TimeSpan.FromSeconds(30));

            await broker.DisposeAsync();
            stopped = true;
            var started = System.Diagnostics.Stopwatch.StartNew();
            await demo.WaitForExitAsync(TimeSpan.FromSeconds(30));
            result = demo.Result(started.Elapsed);
        }
        finally
        {
            if (!stopped) await broker.DisposeAsync();
        }

        Assert.True(result.ExitCode == 1, result.ToString());
        var summary = result.Summary;
        long sent = Long(summary, "sent"), delivered = Long(summary, "delivered"), failed = Long(summary, "failed");
        Assert.Equal(30, sent);
        Assert.Equal(result.OfEvent("delivered").Count(), delivered);
        Assert.Equal(result.OfEvent("delivery_failed").Count(), failed);
        Assert.True(failed > 0, result.ToString());
        Assert.Equal(sent, delivered + failed + Long(summary, "not_delivered"));
        Assert.All(result.OfEvent("delivery_failed"), f => Assert.False(string.IsNullOrEmpty(f.GetProperty("reason").GetString())));
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(25), $"took {result.Elapsed}");
    }
}
