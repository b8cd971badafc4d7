using System.Text.Json;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Labs;

/// <summary>`demo lab rebalance` in a small configuration: after every change one owner per partition, the extra member idle.</summary>
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
