using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>`demo consume --group-protocol classic|consumer`: KIP-848's protocol, and the settings that contradict it.</summary>
public sealed class ConsumeGroupProtocolTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Under_the_consumer_protocol_one_member_reads_every_partition_and_the_course_session_timeout_is_left_out()
    {
        string topic = await kafka.CreateTopicAsync("kip848", 4);
        await ConsumerKit.ProduceAsync(kafka, topic, 8, partitions: 4);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "--group-protocol", "consumer", "--topic", topic,
            "--group", KafkaFixture.UniqueName("g-kip848"), "--max-messages", "8", "-o", "json"), TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(8, result.Summary.GetProperty("consumed").GetInt64());
        Assert.Equal(4, ConsumerKit.Assignment(result.Events.Where(e => e.GetProperty("event").GetString() == "assigned")).Count);
        Assert.Contains("session.timeout.ms=6000 (from appsettings.json) left out", result.Stdout);
        Assert.Contains("group.protocol=consumer", result.Stdout);
    }

    [Theory]
    [InlineData("--assignment-strategy", "range", "partition.assignment.strategy=range (from flag --assignment-strategy)")]
    [InlineData("-X", "session.timeout.ms=3000", "session.timeout.ms=3000 (from flag -X)")]
    [InlineData("-X", "partition.assignment.strategy=roundrobin", "partition.assignment.strategy=roundrobin (from flag -X)")]
    public async Task A_client_side_assignor_or_session_setting_with_the_consumer_protocol_exits_2_naming_it(string flag, string value, string named)
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "--group-protocol", "consumer", flag, value, "--max-messages", "1"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task Negative_control_the_same_assignor_under_the_classic_protocol_is_accepted()
    {
        string topic = await kafka.CreateTopicAsync("classic", 1);
        await ConsumerKit.ProduceAsync(kafka, topic, 1, partitions: 1);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs(["consume", "--group-protocol", "classic", "--assignment-strategy", "range", "--topic", topic,
            "--group", KafkaFixture.UniqueName("g-classic"), "--max-messages", "1", "-o", "json", .. ConsumerKit.FastRebalanceArgs(kafka)]), TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(1, result.Summary.GetProperty("consumed").GetInt64());
    }

    [Fact]
    public async Task An_unknown_protocol_exits_2()
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "--group-protocol", "eager"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("eager", result.Stderr);
    }
}
