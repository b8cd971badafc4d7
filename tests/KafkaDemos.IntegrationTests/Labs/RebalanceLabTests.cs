using System.Text.Json;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Labs;

/// <summary>`demo lab rebalance` in a small configuration: after every change one owner per partition, the extra member idle.</summary>
[Collection(RebalanceTiming.Name)]
public sealed class RebalanceLabTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Three_consumers_on_two_partitions_one_owner_each_step_and_the_third_idle()
    {
        var result = await DemoProcess.RunAsync(
            LabArgs.For(kafka, "lab", "rebalance", "--consumers", "3", "--partitions", "2", "-o", "json"),
            TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.OfEvent("lab_row").ToList();
        Assert.Equal([1, 2, 3, 2, 1, 0], rows.Select(r => r.GetProperty("members").GetInt32()));
        AssertEveryStepSettled(rows, partitions: 2);
        // Three members, two partitions: exactly one member is idle and was told so with an empty assignment.
        var crowded = rows.Single(r => r.GetProperty("members").GetInt32() == 3 && r.GetProperty("change").GetString()!.EndsWith("joins"));
        string idle = crowded.GetProperty("idle").EnumerateArray().Single().GetString()!;
        Assert.Contains(result.OfEvent("assigned"), e => e.GetProperty("member").GetString() == idle && e.GetProperty("partitions").GetArrayLength() == 0);
        Assert.Equal(0, result.Summary.GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task Child_processes_two_consumers_on_one_partition_one_owner_each_step()
    {
        var result = await DemoProcess.RunAsync(
            LabArgs.For(kafka, "lab", "rebalance", "--processes", "--consumers", "2", "--partitions", "1", "-o", "json"),
            TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.OfEvent("lab_row").ToList();
        Assert.Equal(4, rows.Count);
        AssertEveryStepSettled(rows, partitions: 1);
        Assert.Single(rows[1].GetProperty("idle").EnumerateArray());
        Assert.True(result.Summary.GetProperty("processes").GetBoolean());
        // Members as processes report their assignments: the lab's own `groups watch` agreed at every step.
        var watched = result.OfEvent("check").Where(c => c.GetProperty("what").GetString()!.StartsWith("groups watch shows")).ToList();
        Assert.Equal(rows.Count, watched.Count);
        Assert.All(watched, c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
    }

    [Fact]
    public async Task Both_protocols_run_the_same_steps_and_only_the_classic_one_stops_the_member_that_keeps_partitions()
    {
        var result = await DemoProcess.RunAsync(
            LabArgs.For(kafka, "lab", "rebalance", "--group-protocol", "both", "--consumers", "2", "--partitions", "4", "-o", "json"),
            TimeSpan.FromSeconds(180));

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.OfEvent("lab_row").ToList();
        var classic = rows.Where(r => r.GetProperty("group_protocol").GetString() == "classic").ToList();
        var consumer = rows.Where(r => r.GetProperty("group_protocol").GetString() == "consumer").ToList();
        Assert.Equal(4, classic.Count);
        Assert.Equal(classic.Select(r => r.GetProperty("change").GetString()), consumer.Select(r => r.GetProperty("change").GetString()));
        AssertEveryStepSettled(classic, partitions: 4);
        AssertEveryStepSettled(consumer, partitions: 4);

        // Step 2, consumer-2 joins: consumer-1 owned all four and keeps two. The eager classic protocol
        // revokes all four first, so consumer-1 owns nothing for a while; the consumer protocol revokes
        // only the two that move. The measure is the same code in both runs: it must tell them apart.
        double Paused(System.Text.Json.JsonElement row) => row.GetProperty("paused_s").GetProperty("consumer-1").GetDouble();
        Assert.True(Paused(classic[1]) > 0, classic[1].ToString());
        Assert.Equal(0, Paused(consumer[1]));
        Assert.Contains(result.OfEvent("table"), t => t.GetProperty("title").GetString()!.Contains("classic (range) and consumer (KIP-848)"));
        Assert.Equal("both", result.Summary.GetProperty("group_protocol").GetString());
    }

    [Fact]
    public async Task An_assignor_with_the_consumer_protocol_exits_2()
    {
        var result = await DemoProcess.RunAsync(LabArgs.For(kafka, "lab", "rebalance", "--group-protocol", "consumer", "--assignment-strategy", "range"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--assignment-strategy range contradicts --group-protocol consumer", result.Stderr);
    }

    /// <summary>Each step settled, and its assignment (member -> partitions) gives every partition exactly one owner.</summary>
    private static void AssertEveryStepSettled(List<JsonElement> rows, int partitions)
    {
        foreach (var row in rows)
        {
            Assert.NotEqual(JsonValueKind.Null, row.GetProperty("rebalance_s").ValueKind);
            Assert.True(row.GetProperty("one_owner_per_partition").GetBoolean(), row.ToString());
            var owned = row.GetProperty("assignment").EnumerateObject().SelectMany(m => m.Value.EnumerateArray().Select(p => p.GetInt32())).ToList();
            if (row.GetProperty("members").GetInt32() > 0)
                Assert.Equal(Enumerable.Range(0, partitions), owned.Order());
            else
                Assert.Empty(owned);
        }
    }
}
