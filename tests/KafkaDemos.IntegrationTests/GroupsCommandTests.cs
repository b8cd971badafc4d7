using System.Text.Json;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>`demo groups describe|reset-offsets|list` after a partial consume.</summary>
public sealed class GroupsCommandTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Describe_shows_committed_offsets_and_lag_and_reset_offsets_moves_them_for_the_next_consumer()
    {
        string topic = await kafka.CreateTopicAsync("groups", 2);
        string group = KafkaFixture.UniqueName("g-groups");
        await ConsumerKit.ProduceAsync(kafka, topic, 6, partitions: 2);
        // On the embedded broker a join right after a leave waits session.timeout.ms - 1 s: keep it short.
        string[] fast = ConsumerKit.FastRebalanceArgs(kafka);
        var consumed = await DemoProcess.RunAsync(kafka.DemoArgs(["consume", "--commit", "specified", "--commit-every", "1", "--max-messages", "4", "--topic", topic, "--group", group, "-o", "json", .. fast]));
        Assert.True(consumed.ExitCode == 0, consumed.ToString());
        var committed = ConsumerKit.Committed(kafka, group, topic, 2);
        // Four records from two partitions of three each: both partitions have a commit, four in all.
        Assert.Equal(2, committed.Count);
        Assert.Equal(4, committed.Values.Sum());

        var described = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "describe", group, "--topic", topic, "-o", "json"));

        Assert.True(described.ExitCode == 0, described.ToString());
        var rows = Rows(described);
        Assert.Equal(2, rows.Count);
        foreach (var row in rows)
        {
            string partition = $"{topic}-{row.GetProperty("partition").GetInt32()}";
            long expected = committed[partition];
            Assert.Equal(3, row.GetProperty("log_end").GetInt64());
            Assert.Equal(expected, row.GetProperty("committed").GetInt64());
            Assert.Equal(3 - expected, row.GetProperty("lag").GetInt64());
        }
        Assert.Equal(2, described.Summary.GetProperty("total_lag").GetInt64());

        var dryRun = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "reset-offsets", group, "--topic", topic, "--to-earliest", "-o", "json"));
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.All(Rows(dryRun), r => Assert.Equal(0, r.GetProperty("new").GetInt64()));
        Assert.Equal(committed, ConsumerKit.Committed(kafka, group, topic, 2));

        var executed = await DemoProcess.RunAsync(kafka.DemoArgs(["groups", "reset-offsets", group, "--topic", topic, "--to-offset", "1", "--execute", "-o", "json", .. fast]));
        Assert.True(executed.ExitCode == 0, executed.ToString());
        Assert.Equal(new Dictionary<string, long> { [$"{topic}-0"] = 1, [$"{topic}-1"] = 1 }, ConsumerKit.Committed(kafka, group, topic, 2));

        var again = await DemoProcess.RunAsync(kafka.DemoArgs(["consume", "--topic", topic, "--group", group, "--exit-at-end", "-o", "json", .. fast]));
        Assert.True(again.ExitCode == 0, again.ToString());
        var starts = again.OfEvent("consumed").GroupBy(e => e.GetProperty("partition").GetInt32()).ToDictionary(g => g.Key, g => g.Min(e => e.GetProperty("offset").GetInt64()));
        Assert.Equal(new Dictionary<int, long> { [0] = 1, [1] = 1 }, starts);
        Assert.Equal(4, again.Summary.GetProperty("consumed").GetInt64());
    }

    [Fact]
    public async Task Describe_says_plainly_when_the_broker_cannot_list_members_and_list_exits_2_there()
    {
        kafka.RequireEmbedded("the embedded broker lacks DescribeGroups and ListGroups");

        var described = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "describe", KafkaFixture.UniqueName("g-none")), TimeSpan.FromSeconds(30));
        var listed = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "list"), TimeSpan.FromSeconds(30));

        Assert.True(described.ExitCode == 0, described.ToString());
        Assert.Contains("Members: not available", described.Stderr);
        Assert.Equal(2, listed.ExitCode);
        Assert.Contains("Cannot list groups", listed.Stderr);
    }

    private static List<JsonElement> Rows(DemoResult result) =>
        result.OfEvent("table").First().GetProperty("rows").EnumerateArray().ToList();
}
