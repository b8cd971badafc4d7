using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>
/// Group admin features only Apache Kafka has (ListGroups, DescribeGroups): they run against
/// KAFKA_BOOTSTRAP_SERVERS or a Docker container and skip on the embedded broker.
/// </summary>
public sealed class GroupsRealKafkaTests(KafkaFixture kafka)
{
    [Fact]
    public async Task List_shows_an_active_group_describe_shows_its_member_and_reset_refuses_while_it_runs()
    {
        kafka.RequireRealKafka("ListGroups or DescribeGroups API");
        string topic = await kafka.CreateTopicAsync("groups-real", 2);
        string group = KafkaFixture.UniqueName("g-real");
        await ConsumerKit.ProduceAsync(kafka, topic, 4, partitions: 2);
        using var member = new ConsumerBuilder<string, string>(kafka.ConsumerConfig(group)).Build();
        member.Subscribe(topic);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (member.Assignment.Count < 2 && DateTime.UtcNow < deadline) member.Consume(TimeSpan.FromMilliseconds(200));
        Assert.Equal(2, member.Assignment.Count);
        member.Commit(member.Assignment.Select(tp => new TopicPartitionOffset(tp, 1)));

        var listed = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "list", "-o", "json"));
        var described = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "describe", group, "-o", "json"));
        var reset = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--topic", topic, "--to-earliest", "--execute"));
        member.Close();

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains(listed.OfEvent("table").Single().GetProperty("rows").EnumerateArray(), r => r.GetProperty("group").GetString() == group);

        Assert.True(described.ExitCode == 0, described.ToString());
        Assert.Equal(1, described.Summary.GetProperty("members").GetInt32());
        var memberRows = described.OfEvent("table").Last().GetProperty("rows").EnumerateArray().ToList();
        Assert.Single(memberRows);
        Assert.Contains($"{topic}-0", memberRows[0].GetProperty("partitions").GetString());
        Assert.Contains($"{topic}-1", memberRows[0].GetProperty("partitions").GetString());
        var offsets = described.OfEvent("table").First().GetProperty("rows").EnumerateArray().ToList();
        Assert.All(offsets, r => Assert.Equal(1, r.GetProperty("committed").GetInt64()));

        Assert.Equal(1, reset.ExitCode);
        Assert.Contains("active member", reset.Stderr);
        Assert.Equal(new Dictionary<string, long> { [$"{topic}-0"] = 1, [$"{topic}-1"] = 1 }, ConsumerKit.Committed(kafka, group, topic, 2));
    }
}
