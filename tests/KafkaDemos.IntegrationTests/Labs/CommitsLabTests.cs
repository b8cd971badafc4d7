using System.Text.Json;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Labs;

/// <summary>`demo lab commits` in a small configuration: every strategy's counts match the replay of the topic.</summary>
public sealed class CommitsLabTests(KafkaFixture kafka)
{
    [Fact]
    public async Task After_a_crash_mid_batch_each_strategys_reprocessed_and_lost_match_the_replay()
    {
        var result = await DemoProcess.RunAsync(
            LabArgs.For(kafka, "lab", "commits", "--count", "30", "--crash-after", "12", "--process-delay", "20ms", "-o", "json"),
            TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.OfEvent("lab_row").ToDictionary(r => r.GetProperty("strategy").GetString()!);
        Assert.Equal(["auto", "sync", "async", "specified", "rebalance"], rows.Keys);
        foreach (var row in rows.Values)
        {
            Assert.True(row.GetProperty("matches_replay").GetBoolean(), row.ToString());
            Assert.Equal(row.GetProperty("expected_reprocessed").GetInt64(), row.GetProperty("reprocessed").GetInt64());
            Assert.Equal(row.GetProperty("expected_lost").GetInt64(), row.GetProperty("lost").GetInt64());
            // The crash came while the first member processed its 13th record: 12 were done, the 13th was not.
            Assert.Equal(12, row.GetProperty("processed_by_first").GetInt64());
            // Every record was processed by one of the two members, some by both.
            Assert.Equal(30, row.GetProperty("processed_by_first").GetInt64() + row.GetProperty("processed_by_second").GetInt64()
                             - row.GetProperty("reprocessed").GetInt64() + row.GetProperty("lost").GetInt64());
        }

        // The deterministic ones: specified committed exactly offset 10 (after 10 records), rebalance nothing.
        Assert.Equal(10, rows["specified"].GetProperty("committed_at_crash").GetInt64());
        Assert.Equal(2, rows["specified"].GetProperty("reprocessed").GetInt64());
        Assert.Equal(JsonValueKind.Null, rows["rebalance"].GetProperty("committed_at_crash").ValueKind);
        Assert.Equal(12, rows["rebalance"].GetProperty("reprocessed").GetInt64());
        Assert.Equal(0, result.Summary.GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task Bad_lab_flags_exit_2_naming_the_value()
    {
        var results = await Task.WhenAll(
            DemoProcess.RunAsync(["lab", "rebalance", "--consumers", "0"]),
            DemoProcess.RunAsync(["lab", "delivery", "--fault-rate", "0.5"]),
            DemoProcess.RunAsync(["lab", "commits", "--count", "10", "--crash-after", "10"]),
            DemoProcess.RunAsync(["lab", "commits", "--strategy", "never"]));

        Assert.All(results, r => Assert.True(r.ExitCode == 2, r.ToString()));
        Assert.Contains("--consumers 0", results[0].Stderr);
        Assert.Contains("--fault-rate 0.5", results[1].Stderr);
        Assert.Contains("--crash-after 10", results[2].Stderr);
        Assert.Contains("'never'", results[3].Stderr);
    }
}
