using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Admin;

/// <summary>`demo groups reset-offsets` with --shift-by, --all-topics and --to-datetime, and its bad input.</summary>
public sealed class GroupResetTargetsTests(KafkaFixture kafka)
{
    /// <summary>Commits offsets for a group that has no members, as an outsider (what a stopped group's last commit leaves).</summary>
    internal static void CommitAsOutsider(KafkaFixture kafka, string group, params TopicPartitionOffset[] offsets)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(kafka.ConsumerConfig(group)).Build();
        consumer.Assign(offsets);
        consumer.Commit(offsets);
        consumer.Close();
    }

    private static Dictionary<string, long> Plan(DemoResult result) =>
        result.OfEvent("table").Single().GetProperty("rows").EnumerateArray()
            .ToDictionary(r => $"{r.GetProperty("topic").GetString()}-{r.GetProperty("partition").GetInt32()}", r => r.GetProperty("new").GetInt64());

    [Fact]
    public async Task Shift_by_moves_each_committed_offset_within_the_log_on_all_the_topics_the_group_committed_on()
    {
        string first = await kafka.CreateTopicAsync("shift-a", 2);
        string second = await kafka.CreateTopicAsync("shift-b", 1);
        string untouched = await kafka.CreateTopicAsync("shift-c", 1);
        await ConsumerKit.ProduceAsync(kafka, first, 10, partitions: 2);
        await ConsumerKit.ProduceAsync(kafka, second, 4, partitions: 1);
        await ConsumerKit.ProduceAsync(kafka, untouched, 4, partitions: 1);
        string group = KafkaFixture.UniqueName("g-shift");
        CommitAsOutsider(kafka, group, new TopicPartitionOffset(new TopicPartition(first, 0), 3), new TopicPartitionOffset(new TopicPartition(first, 1), 1), new TopicPartitionOffset(new TopicPartition(second, 0), 4));
        string[] fast = ConsumerKit.FastRebalanceArgs(kafka);

        var back = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--all-topics", "--shift-by", "-2", "-o", "json"));
        var ahead = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--all-topics", "--shift-by", "+10", "-o", "json"));

        Assert.True(back.ExitCode == 0, back.ToString());
        // t-1 had 1: two back is before the log start, so it stops at 0; the topic without commits is not in the plan.
        Assert.Equal(new Dictionary<string, long> { [$"{first}-0"] = 1, [$"{first}-1"] = 0, [$"{second}-0"] = 2 }, Plan(back));
        Assert.True(ahead.ExitCode == 0, ahead.ToString());
        Assert.Equal(new Dictionary<string, long> { [$"{first}-0"] = 5, [$"{first}-1"] = 5, [$"{second}-0"] = 4 }, Plan(ahead));
        // Dry runs change nothing.
        Assert.Equal(new Dictionary<string, long> { [$"{first}-0"] = 3, [$"{first}-1"] = 1 }, ConsumerKit.Committed(kafka, group, first, 2));

        var executed = await DemoProcess.RunAsync(kafka.DemoArgs(["groups", "reset-offsets", group, "--all-topics", "--shift-by", "-2", "--execute", "-o", "json", .. fast]));

        Assert.True(executed.ExitCode == 0, executed.ToString());
        Assert.Equal(new Dictionary<string, long> { [$"{first}-0"] = 1, [$"{first}-1"] = 0 }, ConsumerKit.Committed(kafka, group, first, 2));
        Assert.Equal(new Dictionary<string, long> { [$"{second}-0"] = 2 }, ConsumerKit.Committed(kafka, group, second, 1));
        Assert.Empty(ConsumerKit.Committed(kafka, group, untouched, 1));
    }

    [Fact]
    public async Task Shift_by_on_a_named_topic_starts_a_partition_without_a_commit_at_the_log_start()
    {
        string topic = await kafka.CreateTopicAsync("shift-named", 2);
        await ConsumerKit.ProduceAsync(kafka, topic, 8, partitions: 2);
        string group = KafkaFixture.UniqueName("g-shift-named");
        CommitAsOutsider(kafka, group, new TopicPartitionOffset(new TopicPartition(topic, 0), 2));

        var plan = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--topic", topic, "--shift-by", "1", "-o", "json"));

        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Equal(new Dictionary<string, long> { [$"{topic}-0"] = 3, [$"{topic}-1"] = 1 }, Plan(plan));
    }

    [Fact]
    public async Task To_datetime_on_the_embedded_broker_says_it_cannot_and_changes_nothing()
    {
        kafka.RequireEmbedded("the embedded broker answers offsets-for-times with \"none\" for every time");
        string topic = await kafka.CreateTopicAsync("datetime-mock", 1);
        await ConsumerKit.ProduceAsync(kafka, topic, 3, partitions: 1);
        string group = KafkaFixture.UniqueName("g-dt-mock");
        CommitAsOutsider(kafka, group, new TopicPartitionOffset(new TopicPartition(topic, 0), 3));

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--topic", topic, "--to-datetime", "2000-01-01T00:00:00Z", "--execute"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("does not answer offsets-for-times", result.Stderr);
        Assert.Contains("--to-offset N or --shift-by N", result.Stderr);
        Assert.Equal(new Dictionary<string, long> { [$"{topic}-0"] = 3 }, ConsumerKit.Committed(kafka, group, topic, 1));
    }

    [Theory]
    [InlineData(new[] { "--to-datetime", "yesterday" }, "--to-datetime 'yesterday'")]
    [InlineData(new[] { "--to-datetime", "2026-13-01T00:00:00Z" }, "--to-datetime '2026-13-01T00:00:00Z'")]
    [InlineData(new[] { "--shift-by", "ten" }, "--shift-by 'ten'")]
    [InlineData(new[] { "--shift-by", "1.5" }, "--shift-by '1.5'")]
    [InlineData(new[] { "--shift-by", "1", "--to-earliest" }, "exactly one of")]
    [InlineData(new string[0], "exactly one of")]
    public async Task A_bad_target_exits_2_naming_it(string[] target, string named)
    {
        string topic = await kafka.CreateTopicAsync("bad-target", 1);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs(["groups", "reset-offsets", KafkaFixture.UniqueName("g-bad"), "--topic", topic, .. target]));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
    }

    [Fact]
    public async Task Topic_choice_errors_exit_2_naming_what_is_wrong()
    {
        string topic = await kafka.CreateTopicAsync("choice", 1);
        string group = KafkaFixture.UniqueName("g-choice");
        string missing = KafkaFixture.UniqueName("no-such-topic");

        var unknown = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--topic", missing, "--to-earliest"));
        var both = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--topic", topic, "--all-topics", "--to-earliest"));
        var neither = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--to-earliest"));
        var nothingCommitted = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--all-topics", "--to-earliest"));

        Assert.True(unknown.ExitCode == 2, unknown.ToString());
        Assert.Contains($"Topic '{missing}' does not exist", unknown.Stderr);
        Assert.True(both.ExitCode == 2, both.ToString());
        Assert.Contains("--all-topics and --topic", both.Stderr);
        Assert.True(neither.ExitCode == 2, neither.ToString());
        Assert.Contains("--all-topics", neither.Stderr);
        Assert.True(nothingCommitted.ExitCode == 2, nothingCommitted.ToString());
        Assert.Contains($"Group '{group}' has no committed offsets", nothingCommitted.Stderr);
    }

    [Fact]
    public async Task To_datetime_on_real_kafka_moves_to_the_first_record_at_or_after_the_time()
    {
        kafka.RequireRealKafka("offsets-for-times (ListOffsets with a timestamp)");
        string topic = await kafka.CreateTopicAsync("datetime", 1);
        // Times in the past: brokers refuse timestamps too far in the future (log.message.timestamp.after.max.ms).
        var start = DateTime.UtcNow.AddHours(-3);
        using (var producer = new ProducerBuilder<string, string>(kafka.ProducerConfig()).Build())
        {
            for (int i = 0; i < 3; i++)
                await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string> { Key = $"{i}", Value = $"{i}", Timestamp = new Timestamp(start.AddHours(i)) });
        }
        string group = KafkaFixture.UniqueName("g-dt");
        CommitAsOutsider(kafka, group, new TopicPartitionOffset(new TopicPartition(topic, 0), 3));
        string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        var before = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--topic", topic, "--to-datetime", Iso(start.AddHours(-1)), "-o", "json"));
        var after = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--topic", topic, "--to-datetime", Iso(start.AddHours(5)), "-o", "json"));
        var middle = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--topic", topic, "--to-datetime", Iso(start.AddMinutes(30)), "--execute", "-o", "json"));

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.Equal(0, Plan(before)[$"{topic}-0"]);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal(3, Plan(after)[$"{topic}-0"]);
        Assert.True(middle.ExitCode == 0, middle.ToString());
        Assert.Equal(new Dictionary<string, long> { [$"{topic}-0"] = 1 }, ConsumerKit.Committed(kafka, group, topic, 1));
    }

    internal static List<JsonElement> Rows(DemoResult result) => [.. result.OfEvent("table").First().GetProperty("rows").EnumerateArray()];
}
