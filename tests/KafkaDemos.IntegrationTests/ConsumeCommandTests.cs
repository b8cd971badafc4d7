using System.Text.Json;
using KafkaDemos.Broker;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>`demo consume` as a learner runs it: child processes, JSON events, exit codes.</summary>
public sealed class ConsumeCommandTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_poison_message_in_json_mode_is_skipped_reported_and_committed_past()
    {
        string topic = await kafka.CreateTopicAsync("poison", 1);
        string group = KafkaFixture.UniqueName("g-poison");
        await ConsumerKit.ProduceValuesAsync(kafka, topic, """{"n":0}""", "not json at all", """{"n":2}""");

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "--topic", topic, "--group", group, "--json", "--exit-at-end", "-o", "json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var skipped = result.OfEvent("skipped").Single();
        Assert.Equal(topic, skipped.GetProperty("topic").GetString());
        Assert.Equal(1, skipped.GetProperty("offset").GetInt64());
        Assert.Equal([0L, 2L], result.OfEvent("consumed").Select(e => e.GetProperty("offset").GetInt64()));
        Assert.Equal(1, result.Summary.GetProperty("skipped").GetInt64());
        Assert.Equal(2, result.Summary.GetProperty("consumed").GetInt64());
        Assert.Equal(3, result.Summary.GetProperty("committed").GetProperty($"{topic}-0").GetInt64());
        Assert.Equal(3, ConsumerKit.Committed(kafka, group, topic, 1)[$"{topic}-0"]);
    }

    [Fact]
    public async Task Two_processes_in_one_group_split_the_partitions_and_leave_cleanly_on_ctrl_c()
    {
        string topic = await kafka.CreateTopicAsync("multi", 4);
        string group = KafkaFixture.UniqueName("g-multi");
        await ConsumerKit.ProduceAsync(kafka, topic, 8, partitions: 4);
        string[] args = kafka.DemoArgs(["consume", "--commit", "sync", "--topic", topic, "--group", group, "-o", "json", .. ConsumerKit.FastRebalanceArgs(kafka)]);

        await using var first = DemoProcess.Start(args);
        await first.WaitForEventAsync(e => IsAssigned(e, 4), TimeSpan.FromSeconds(30));
        // The first has read and committed everything before the second joins: a commit that
        // meets the rebalance is refused by the embedded broker (REBALANCE_IN_PROGRESS) and would
        // rightly fail the run, which is not what this test is about.
        await WaitAsync(() => CommittedTotal(first.Events) == 8, TimeSpan.FromSeconds(30), () => first.Stdout);
        await using var second = DemoProcess.Start(args);
        await WaitAsync(() => ConsumerKit.Assignment(first.Events).Count == 2 && ConsumerKit.Assignment(second.Events).Count == 2, TimeSpan.FromSeconds(30),
            () => $"first:\n{first.Stdout}\nsecond:\n{second.Stdout}");
        Assert.Empty(ConsumerKit.Assignment(first.Events).Intersect(ConsumerKit.Assignment(second.Events)));

        // Ctrl+C in the second terminal: it commits, leaves the group, and the first takes everything back.
        second.Interrupt();
        await second.WaitForExitAsync(TimeSpan.FromSeconds(20));
        await WaitAsync(() => ConsumerKit.Assignment(first.Events).Count == 4, TimeSpan.FromSeconds(30), () => first.Stdout);
        first.Interrupt();
        await first.WaitForExitAsync(TimeSpan.FromSeconds(20));

        var results = new[] { first.Result(TimeSpan.Zero), second.Result(TimeSpan.Zero) };
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.Equal(8, results.Sum(r => r.Summary.GetProperty("consumed").GetInt64()));
        Assert.Equal(8, ConsumerKit.Committed(kafka, group, topic, 4).Values.Sum());
    }

    [Fact]
    public async Task Ctrl_c_returns_within_its_bound_when_the_coordinator_is_gone()
    {
        kafka.RequireEmbedded("takes a broker down");
        // A broker of its own: taking it down must not disturb the other tests.
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 1, Port = 0 });
        broker.CreateTopic("gone", 1, 1);
        var sink = new RecordedEvents();
        using var stop = new CancellationTokenSource();
        var config = new Confluent.Kafka.ConsumerConfig { BootstrapServers = broker.BootstrapServers, GroupId = "g-gone", AutoOffsetReset = Confluent.Kafka.AutoOffsetReset.Earliest };

        using (var producer = new Confluent.Kafka.ProducerBuilder<Confluent.Kafka.Null, string>(new Confluent.Kafka.ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build())
            await producer.ProduceAsync("gone", new Confluent.Kafka.Message<Confluent.Kafka.Null, string> { Value = "msg_0" });

        // Commits every 100 records: the one record is still to commit when the coordinator goes.
        var running = SyncCommitConsumer.RunAsync(config, ConsumerKit.Options("gone") with { ShutdownTimeout = TimeSpan.FromSeconds(3), CommitEvery = 100 }, sink, stop.Token);
        await sink.WaitUntilAsync(s => s.Of<ConsumedEvent>().Count > 0, TimeSpan.FromSeconds(20), "the record consumed");
        broker.Cluster.SetBrokerDown(1);
        var started = DateTime.UtcNow;
        await stop.CancelAsync();
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), $"stop took {DateTime.UtcNow - started}");
        // The final commit could not be made, and the outcome says so rather than reporting success.
        Assert.False(outcome.Succeeded, $"{outcome}");
        Assert.True(outcome.CommitFailures > 0 || outcome.Abandoned, $"{outcome}");
        Assert.Empty(outcome.Committed);
    }

    [Theory]
    [InlineData(new[] { "consume", "--commit", "sometimes" }, "sometimes")]
    [InlineData(new[] { "consume", "--max-messages", "0" }, "--max-messages 0")]
    [InlineData(new[] { "consume", "--group", "" }, "--group ''")]
    [InlineData(new[] { "consume", "--process-delay", "soon" }, "soon")]
    [InlineData(new[] { "consume", "--offset-reset", "middle" }, "middle")]
    [InlineData(new[] { "groups", "reset-offsets", "g", "--topic", "t" }, "--to-earliest")]
    [InlineData(new[] { "groups", "describe", " " }, "GROUP ' '")]
    public async Task Bad_input_exits_2_and_names_the_value(string[] args, string named)
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs(args));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    private static bool IsAssigned(JsonElement e, int count) =>
        e.GetProperty("event").GetString() == "assigned" && e.GetProperty("partitions").GetArrayLength() == count;

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not within {timeout}:\n{describe()}");
            await Task.Delay(100);
        }
    }

    /// <summary>The highest offset each partition was committed at, summed: how many records the group has committed.</summary>
    private static long CommittedTotal(IEnumerable<System.Text.Json.JsonElement> events) =>
        events.Where(e => e.GetProperty("event").GetString() == "committed")
            .SelectMany(e => e.GetProperty("offsets").EnumerateArray())
            .GroupBy(o => o.GetProperty("partition").GetInt32())
            .Sum(g => g.Max(o => o.GetProperty("offset").GetInt64()));
}
