using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Admin;

/// <summary>
/// Log end, committed offset and lag per partition in `demo groups watch`, exactly, for a group with no
/// live member: before its first consumer starts or after its last one stopped the rows come from the
/// topics of its committed offsets (and --topic), and the view says so.
/// </summary>
public sealed class GroupWatchOffsetsTests(KafkaFixture kafka)
{
    private const int Partitions = 3;
    private const int PerPartition = 10;

    [Fact]
    public async Task With_topic_each_partition_shows_its_log_end_committed_offset_and_lag_exactly()
    {
        var (topic, group) = await CommittedGroupAsync();

        var state = await LastStateAsync(group, "--topic", topic);

        Assert.Equal(["topic_option"], From(state));
        AssertRows(state, topic);
    }

    [Fact]
    public async Task With_no_live_member_and_no_topic_the_rows_are_the_topics_of_the_committed_offsets()
    {
        var (topic, group) = await CommittedGroupAsync();

        var state = await LastStateAsync(group);

        Assert.Equal(["committed_offsets"], From(state));
        AssertRows(state, topic);
    }

    [Fact]
    public async Task Negative_control_a_group_that_committed_nothing_shows_no_rows_and_says_so()
    {
        await CommittedGroupAsync();

        var state = await LastStateAsync(KafkaFixture.UniqueName("g-nothing"));

        Assert.Empty(From(state));
        Assert.Empty(state.GetProperty("partitions").EnumerateArray());
    }

    /// <summary>Partition 0: 4 of 10 committed, lag 6; partition 1: all 10, lag 0; partition 2: nothing committed, so no lag.</summary>
    private static void AssertRows(JsonElement state, string topic)
    {
        var rows = state.GetProperty("partitions").EnumerateArray().Where(p => p.GetProperty("topic").GetString() == topic)
            .ToDictionary(p => p.GetProperty("partition").GetInt32());
        Assert.Equal([0, 1, 2], rows.Keys.Order());
        Assert.All(rows.Values, r => Assert.Equal(PerPartition, r.GetProperty("end").GetInt64()));
        Assert.Equal(4, rows[0].GetProperty("committed").GetInt64());
        Assert.Equal(6, rows[0].GetProperty("lag").GetInt64());
        Assert.Equal(PerPartition, rows[1].GetProperty("committed").GetInt64());
        Assert.Equal(0, rows[1].GetProperty("lag").GetInt64());
        Assert.Equal(JsonValueKind.Null, rows[2].GetProperty("committed").ValueKind);
        Assert.Equal(JsonValueKind.Null, rows[2].GetProperty("lag").ValueKind);
        Assert.All(rows.Values, r => Assert.Equal(JsonValueKind.Null, r.GetProperty("owner").ValueKind));
    }

    /// <summary>A topic with 10 records in each partition and a group, never started, that committed 4 on partition 0 and 10 on partition 1.</summary>
    private async Task<(string Topic, string Group)> CommittedGroupAsync()
    {
        string topic = await kafka.CreateTopicAsync("watch-offsets", Partitions);
        string group = KafkaFixture.UniqueName("g-offsets");
        await ConsumerKit.ProduceAsync(kafka, topic, Partitions * PerPartition, Partitions);
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(kafka.ConsumerConfig(group)).Build();
        consumer.Commit([new TopicPartitionOffset(topic, 0, 4), new TopicPartitionOffset(topic, 1, PerPartition)]);
        Assert.Equal(2, ConsumerKit.Committed(kafka, group, topic, Partitions).Count);
        return (topic, group);
    }

    private async Task<JsonElement> LastStateAsync(string group, params string[] extra)
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs(["groups", "watch", group, "--refreshes", "2", "-o", "json", .. extra]), TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.OfEvent("group_state").Last();
    }

    private static string[] From(JsonElement state) =>
        state.TryGetProperty("partitions_from", out var from) ? from.EnumerateArray().Select(f => f.GetString()!).ToArray() : [];
}
