using System.Text.Json;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Labs;

/// <summary>
/// `demo lab soak` in its CI configuration (30 s of records under a chaos action every 4 s), and its
/// negative control. The rebalance strategy commits only in its revoke handler, so its row also proves the
/// members' final commits are taken: stopped together, they were refused and the run failed. Besides the lab's own verdict, each test recounts loss from the lab's event
/// stream: the producer's delivered events against the members' consumed events.
/// </summary>
public sealed class SoakLabTests(KafkaFixture kafka)
{
    private static readonly string[] EveryKind = ["kill -9 + restart", "SIGTERM + restart", "member joins", "leader moves", "broker down + up"];

    [Theory]
    [InlineData(3, "sync")]
    [InlineData(8, "rebalance")]
    [InlineData(13, "async")]
    public async Task Under_kills_stops_joins_and_broker_faults_no_acknowledged_record_is_lost_and_every_duplicate_is_explained(int seed, string strategy)
    {
        var result = await DemoProcess.RunAsync(
            LabArgs.For(kafka, "lab", "soak", "--duration", "30s", "--rate", "300", "--chaos-every", "4s", "--seed", seed.ToString(),
                "--commit", strategy, "-o", "json"),
            TimeSpan.FromSeconds(240));

        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = result.Summary;
        Assert.Equal("soak", summary.GetProperty("lab").GetString());
        Assert.True(summary.GetProperty("acked").GetInt64() > 5000, summary.ToString());
        Assert.Equal(0, summary.GetProperty("lost").GetInt64());
        Assert.Equal(0, summary.GetProperty("duplicates_unexplained").GetInt64());
        Assert.Equal(0, summary.GetProperty("log_unprocessed").GetInt64());
        Assert.True(summary.GetProperty("committed_at_log_end").GetBoolean());
        // Each duplicate is counted under exactly one explanation.
        long explained = summary.GetProperty("explained_by").EnumerateObject().Sum(e => e.Value.GetInt64());
        Assert.Equal(summary.GetProperty("duplicates").GetInt64(), explained);

        // The chaos really happened, every kind the broker allows.
        var actions = result.OfEvent("chaos").Select(c => c.GetProperty("action").GetString()!).ToHashSet();
        bool embedded = summary.GetProperty("broker").GetString() == "embedded";
        Assert.Superset(embedded ? EveryKind.ToHashSet() : EveryKind.Take(3).ToHashSet(), actions);

        // Recounted from the event stream: every number the producer was told is delivered, some member consumed.
        var (acked, consumed) = Numbers(result);
        Assert.Equal(summary.GetProperty("acked").GetInt64(), acked.Count);
        Assert.Empty(acked.Except(consumed));
        Assert.All(result.OfEvent("check"), c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
    }

    [Fact]
    public async Task With_acks_0_and_no_idempotence_the_same_soak_loses_acknowledged_records_and_fails()
    {
        // The lab's own negative control needs the broker faults of an embedded broker in the lab's process.
        var result = await DemoProcess.RunAsync(
            ["lab", "soak", "--embedded", "--duration", "25s", "--rate", "300", "--chaos-every", "3s", "--seed", "5", "--break", "acks0", "-o", "json"],
            TimeSpan.FromSeconds(240));

        Assert.True(result.ExitCode == 1, result.ToString());
        var summary = result.Summary;
        Assert.Equal("acks0", summary.GetProperty("break").GetString());
        Assert.True(summary.GetProperty("lost").GetInt64() > 0, summary.ToString());
        Assert.False(summary.GetProperty("passed").GetBoolean());
        var lostCheck = result.OfEvent("check").Single(c => c.GetProperty("what").GetString() == "every acknowledged record was processed at least once");
        Assert.False(lostCheck.GetProperty("passed").GetBoolean());

        var (acked, consumed) = Numbers(result);
        Assert.Equal(summary.GetProperty("lost").GetInt64(), acked.Except(consumed).Count());
    }

    [Fact]
    public async Task Bad_soak_flags_exit_2_naming_the_value()
    {
        var results = await Task.WhenAll(
            DemoProcess.RunAsync(["lab", "soak", "--duration", "1s"]),
            DemoProcess.RunAsync(["lab", "soak", "--rate", "0"]),
            DemoProcess.RunAsync(["lab", "soak", "--duration", "soon"]),
            DemoProcess.RunAsync(["lab", "soak", "--break", "everything"]),
            DemoProcess.RunAsync(["lab", "soak", "--group-protocol", "consumer", "-X", "session.timeout.ms=6000"]));

        Assert.All(results, r => Assert.True(r.ExitCode == 2, r.ToString()));
        Assert.Contains("--duration 1s", results[0].Stderr);
        Assert.Contains("--rate 0", results[1].Stderr);
        Assert.Contains("'soon'", results[2].Stderr);
        Assert.Contains("everything", results[3].Stderr);
        // Under group.protocol=consumer the broker owns the session: a session.timeout.ms given on purpose is refused before any member starts.
        Assert.Contains("session.timeout.ms=6000 (from flag", results[4].Stderr);
    }

    /// <summary>The numbers the producer was told were delivered, and those any member consumed.</summary>
    private static (HashSet<long> Acked, HashSet<long> Consumed) Numbers(DemoResult result)
    {
        static long Number(JsonElement e) => long.Parse(e.GetProperty("value").GetString()!["soak_".Length..], System.Globalization.CultureInfo.InvariantCulture);
        return (result.OfEvent("delivered").Select(Number).ToHashSet(), result.OfEvent("consumed").Select(Number).ToHashSet());
    }
}
