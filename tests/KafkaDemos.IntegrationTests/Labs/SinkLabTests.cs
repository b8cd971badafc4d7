using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Labs;

/// <summary>`demo lab sink`: killed mid-run at three points, db keeps every number exactly once and auto, the negative control, does not.</summary>
public sealed class SinkLabTests(KafkaFixture kafka)
{
    [Fact]
    public async Task After_a_kill_and_a_takeover_db_has_every_number_once_on_every_run_and_auto_never_does()
    {
        var result = await DemoProcess.RunAsync(LabArgs.For(kafka, "lab", "sink", "--count", "200", "--runs", "3", "-o", "json"), TimeSpan.FromSeconds(240));

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.OfEvent("lab_row").ToList();
        Assert.Equal(6, rows.Count);
        var db = rows.Where(r => r.GetProperty("commit").GetString() == "db").ToList();
        var auto = rows.Where(r => r.GetProperty("commit").GetString() == "auto").ToList();
        // Three kill points, one per run: 200 * i / 5 rows.
        Assert.Equal([40L, 80L, 120L], db.Select(r => r.GetProperty("kill_after").GetInt64()));
        Assert.All(rows, r => Assert.InRange(r.GetProperty("rows_at_kill").GetInt64(), r.GetProperty("kill_after").GetInt64(), 199));
        Assert.All(db, r =>
        {
            Assert.Equal(200, r.GetProperty("rows").GetInt64());
            Assert.Equal(200, r.GetProperty("distinct").GetInt64());
            Assert.Equal(0, r.GetProperty("duplicates").GetInt64());
            Assert.Equal(0, r.GetProperty("missing").GetInt64());
        });
        // The negative control: the same kill on the course's code leaves duplicates (or holes) every time.
        Assert.Equal(3, auto.Count);
        Assert.All(auto, r => Assert.True(r.GetProperty("duplicates").GetInt64() + r.GetProperty("missing").GetInt64() > 0, r.ToString()));
        Assert.All(rows, r => Assert.True(r.GetProperty("passed").GetBoolean(), r.ToString()));
        Assert.Equal(0, result.Summary.GetProperty("failed").GetInt32());
    }

    [Fact]
    public async Task Bad_sink_lab_flags_exit_2_naming_the_value()
    {
        var results = await Task.WhenAll(
            DemoProcess.RunAsync(["lab", "sink", "--count", "5"]),
            DemoProcess.RunAsync(["lab", "sink", "--runs", "0"]),
            DemoProcess.RunAsync(["lab", "sink", "--commit", "sometimes"]));

        Assert.All(results, r => Assert.True(r.ExitCode == 2, r.ToString()));
        Assert.Contains("--count 5", results[0].Stderr);
        Assert.Contains("--runs 0", results[1].Stderr);
        Assert.Contains("'sometimes'", results[2].Stderr);
    }
}
