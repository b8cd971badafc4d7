using System.Text.Json;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Admin;

/// <summary>`groups describe` with nothing committed, and `groups reset-offsets --execute` on a group that is live.</summary>
public sealed class GroupsAuditTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Describe_with_nothing_committed_says_the_lag_is_unknown_not_0()
    {
        string topic = await kafka.CreateTopicAsync("lag-unknown", 1);
        await ConsumerKit.ProduceAsync(kafka, topic, 5, partitions: 1);

        var described = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "describe", KafkaFixture.UniqueName("g-new"), "--topic", topic, "-o", "json"));

        Assert.True(described.ExitCode == 0, described.ToString());
        Assert.Equal(JsonValueKind.Null, described.Summary.GetProperty("total_lag").ValueKind);
        Assert.Contains(described.OfEvent("info"), e => e.GetProperty("message").GetString()!.Contains("its lag is unknown", StringComparison.Ordinal));
    }

    /// <summary>The control: once the group commits, the total is a number.</summary>
    [Fact]
    public async Task Describe_after_a_commit_gives_the_total_lag()
    {
        string topic = await kafka.CreateTopicAsync("lag-known", 1);
        string group = KafkaFixture.UniqueName("g-known");
        await ConsumerKit.ProduceAsync(kafka, topic, 5, partitions: 1);
        var consumed = await DemoProcess.RunAsync(kafka.DemoArgs(["consume", "--topic", topic, "--group", group, "--max-messages", "2", "--commit", "sync", "--commit-every", "1", .. ConsumerKit.FastRebalanceArgs(kafka)]));
        Assert.True(consumed.ExitCode == 0, consumed.ToString());

        var described = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "describe", group, "--topic", topic, "-o", "json"));

        Assert.Equal(3, described.Summary.GetProperty("total_lag").GetInt64());
    }

    [Fact]
    public async Task Reset_on_a_live_group_is_refused_first_without_a_plan_and_without_disturbing_the_member()
    {
        string topic = await kafka.CreateTopicAsync("reset-live", 2);
        string group = KafkaFixture.UniqueName("g-live");
        string[] fast = ConsumerKit.FastRebalanceArgs(kafka);
        await ConsumerKit.ProduceAsync(kafka, topic, 10, partitions: 2);
        await using var member = DemoProcess.Start(kafka.DemoArgs(["consume", "--topic", topic, "--group", group, "--report-status", "-o", "json", .. fast]));
        await member.WaitForEventAsync("assigned", TimeSpan.FromSeconds(60));
        // Its status reports (on the embedded broker) or the broker's DescribeGroups must see it.
        await member.WaitForEventAsync(e => e.GetProperty("event").GetString() == "consumed", TimeSpan.FromSeconds(30));

        var refused = await DemoProcess.RunAsync(kafka.DemoArgs(["groups", "reset-offsets", group, "--topic", topic, "--to-earliest", "--execute", "-o", "json", .. fast]), TimeSpan.FromSeconds(60));

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("nothing was changed", refused.Stdout + refused.Stderr);
        Assert.Empty(refused.OfEvent("table"));
        // Nobody joined the group: the live member was never asked to give up its partitions.
        Assert.DoesNotContain(member.Events, e => e.GetProperty("event").GetString() is "revoked" or "lost");

        // The control: stopped, the group takes the reset.
        member.Terminate();
        await member.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var executed = await DemoProcess.RunAsync(kafka.DemoArgs(["groups", "reset-offsets", group, "--topic", topic, "--to-earliest", "--execute", "-o", "json", .. fast]), TimeSpan.FromSeconds(90));
        Assert.True(executed.ExitCode == 0, executed.ToString());
        Assert.All(ConsumerKit.Committed(kafka, group, topic, 2).Values, offset => Assert.Equal(0, offset));
    }
}
