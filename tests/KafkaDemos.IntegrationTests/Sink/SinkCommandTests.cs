using System.Net;
using System.Net.Sockets;
using KafkaDemos.IntegrationTests.Infrastructure;
using KafkaDemos.Sink;
using Microsoft.Data.Sqlite;

namespace KafkaDemos.IntegrationTests;

/// <summary>`demo sink` as a learner runs it: a child process writing a topic into a SQLite file, read back with SQL.</summary>
public sealed class SinkCommandTests(KafkaFixture kafka) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sink-test-").FullName;

    private string[] Sink(string topic, string group, string file, params string[] more) =>
        kafka.DemoArgs(["sink", "--topic", topic, "--group", group, "--to", $"sqlite:{file}", .. more, .. ConsumerKit.FastRebalanceArgs(kafka)]);

    [Fact]
    public async Task Every_json_record_becomes_one_row_and_one_that_is_not_json_is_skipped_shown_and_counted()
    {
        string topic = await kafka.CreateTopicAsync("sink-json", 1);
        await ConsumerKit.ProduceValuesAsync(kafka, topic, """{"num": 0}""", """{"num": 1}""", "not json", """{"num": 3}""");
        string db = Path.Combine(_dir, "db.db"), auto = Path.Combine(_dir, "auto.db");

        var json = await DemoProcess.RunAsync(Sink(topic, KafkaFixture.UniqueName("g-json"), db, "--exit-at-end", "-o", "json"));
        var text = await DemoProcess.RunAsync(Sink(topic, KafkaFixture.UniqueName("g-text"), auto, "--commit", "auto", "--exit-at-end"));

        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal([0L, 1L, 3L], json.OfEvent("row_added").Select(e => e.GetProperty("offset").GetInt64()));
        Assert.Equal([1L, 2L, 4L], json.OfEvent("row_added").Select(e => e.GetProperty("position").GetInt64()));
        var skipped = json.OfEvent("record_skipped").Single();
        Assert.Equal(2, skipped.GetProperty("offset").GetInt64());
        Assert.Equal("not json", skipped.GetProperty("value").GetString());
        Assert.Equal(3, json.Summary.GetProperty("rows_written").GetInt64());
        Assert.Equal(1, json.Summary.GetProperty("skipped").GetInt64());
        Assert.Equal(4, json.Summary.GetProperty("positions_stored").GetProperty($"{topic}-0").GetInt64());
        Assert.Equal((3, 3), SinkKit.Count(db, topic));
        Assert.Equal(new Dictionary<long, long> { [0] = 4 }, SinkKit.Positions(db, topic));

        // Text mode, the course's words: every record on stdout, the skipped one too.
        Assert.True(text.ExitCode == 0, text.ToString());
        var lines = text.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["""{"num": 0} added to""", """{"num": 1} added to""", """{"num": 3} added to"""],
            lines.Where(l => l.Contains($" added to {topic} ")).Select(l => l[..l.IndexOf(" added to", StringComparison.Ordinal)] + " added to"));
        Assert.Contains(lines, l => l.StartsWith($"Skipped {topic}-0-2 : (null , not json)", StringComparison.Ordinal));
        Assert.Contains("rows written 3, skipped 1", text.Stderr);
        Assert.Equal((3, 3), SinkKit.Count(auto, topic));
    }

    [Fact]
    public async Task A_new_run_resumes_at_the_stored_positions_and_without_them_writes_everything_again()
    {
        string topic = await kafka.CreateTopicAsync("sink-resume", 2);
        string group = KafkaFixture.UniqueName("g-resume");
        string db = Path.Combine(_dir, "resume.db");
        await SinkKit.ProduceNumbersAsync(kafka, topic, 6, partitions: 2);
        var first = await DemoProcess.RunAsync(Sink(topic, group, db, "--exit-at-end", "-o", "json"));
        await SinkKit.ProduceNumbersAsync(kafka, topic, 4, partitions: 2, from: 6);

        var second = await DemoProcess.RunAsync(Sink(topic, group, db, "--exit-at-end", "-o", "json"));

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.Equal(6, first.Summary.GetProperty("rows_written").GetInt64());
        Assert.Equal(4, second.Summary.GetProperty("rows_written").GetInt64());
        var resumed = second.OfEvent("resuming").SelectMany(e => e.GetProperty("stored").EnumerateArray()).ToDictionary(p => p.GetProperty("partition").GetInt32(), p => p.GetProperty("offset").GetInt64());
        Assert.Equal(new Dictionary<int, long> { [0] = 3, [1] = 3 }, resumed);
        Assert.Equal((10, 10), SinkKit.Count(db, topic));

        // The negative control: the same run with the positions removed from the database writes every row again.
        SinkKit.Execute(db, "DELETE FROM sink_positions");
        var without = await DemoProcess.RunAsync(Sink(topic, group, db, "--exit-at-end", "-o", "json"));
        Assert.True(without.ExitCode == 0, without.ToString());
        Assert.Equal(10, without.Summary.GetProperty("rows_written").GetInt64());
        Assert.Equal((20, 10), SinkKit.Count(db, topic));
    }

    [Theory]
    [InlineData(15)]
    [InlineData(45)]
    [InlineData(75)]
    public async Task Killed_mid_run_and_taken_over_the_db_mode_has_every_number_exactly_once(int killAfter)
    {
        const int count = 100;
        string topic = await kafka.CreateTopicAsync("sink-crash", 4);
        string group = KafkaFixture.UniqueName("g-crash");
        string db = Path.Combine(_dir, $"crash-{killAfter}.db");
        string[] args = Sink(topic, group, db, "-o", "json");

        var first = DemoProcess.Start(args);
        await first.WaitForEventAsync(SinkKit.IsAssigned, TimeSpan.FromSeconds(30));
        // Records keep arriving while the sink is killed, but the rest waits until it is dead, so
        // the kill lands mid-stream however slowly this machine runs the test.
        const int inFlight = 10;
        var producing = SinkKit.ProduceNumbersAsync(kafka, topic, killAfter + inFlight, partitions: 4, interval: TimeSpan.FromMilliseconds(10));
        await first.WaitForEventAsync(_ => SinkKit.Rows(first.Events) >= killAfter, TimeSpan.FromSeconds(60));
        // SIGKILL: no commit, no Close(), whatever transaction was open is cut off.
        await first.DisposeAsync();
        var (atKill, _) = SinkKit.Count(db, topic);
        await producing;
        await SinkKit.ProduceNumbersAsync(kafka, topic, count - killAfter - inFlight, partitions: 4, from: killAfter + inFlight);

        var second = await DemoProcess.RunAsync([.. args, "--exit-at-end"], TimeSpan.FromSeconds(90));

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.InRange(atKill, killAfter, killAfter + inFlight);
        Assert.Equal((count, count), SinkKit.Count(db, topic));
        Assert.Equal(Enumerable.Range(0, count).Select(n => (long)n), SinkKit.Numbers(db, topic));
        Assert.Equal(count, SinkKit.Positions(db, topic).Values.Sum());
        Assert.Equal(count - atKill, second.Summary.GetProperty("rows_written").GetInt64());
    }

    [Fact]
    public async Task A_second_sink_joining_mid_stream_takes_partitions_over_at_the_stored_positions_without_writing_a_record_twice()
    {
        const int count = 200;
        string topic = await kafka.CreateTopicAsync("sink-pair", 4);
        string group = KafkaFixture.UniqueName("g-pair");
        string db = Path.Combine(_dir, "pair.db");
        string[] args = Sink(topic, group, db, "-o", "json");

        await using var first = DemoProcess.Start(args);
        await first.WaitForEventAsync(SinkKit.IsAssigned, TimeSpan.FromSeconds(30));
        var producing = SinkKit.ProduceNumbersAsync(kafka, topic, count, partitions: 4, interval: TimeSpan.FromMilliseconds(10));
        await first.WaitForEventAsync(_ => SinkKit.Rows(first.Events) >= count / 5, TimeSpan.FromSeconds(60));
        await using var second = DemoProcess.Start(args);
        await second.WaitForEventAsync(SinkKit.IsAssigned, TimeSpan.FromSeconds(30));
        await producing;
        await first.WaitForEventAsync(_ => SinkKit.Rows(first.Events) + SinkKit.Rows(second.Events) >= count, TimeSpan.FromSeconds(60));
        second.Terminate();
        first.Terminate();
        await Task.WhenAll(first.WaitForExitAsync(TimeSpan.FromSeconds(20)), second.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        var results = new[] { first.Result(TimeSpan.Zero), second.Result(TimeSpan.Zero) };
        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.ToString()));
        Assert.All(results, r => Assert.True(r.Summary.GetProperty("rows_written").GetInt64() > 0, r.ToString()));
        Assert.Equal(count, results.Sum(r => r.Summary.GetProperty("rows_written").GetInt64()));
        Assert.Equal((count, count), SinkKit.Count(db, topic));
        // The newcomer started where the rows ended: at the positions stored in the database.
        Assert.Contains(second.Events, e => e.GetProperty("event").GetString() == "resuming" && e.GetProperty("stored").GetArrayLength() > 0);
    }

    [Fact]
    public async Task A_write_the_database_refuses_stops_the_sink_with_exit_1_and_the_next_run_writes_that_record()
    {
        string topic = await kafka.CreateTopicAsync("sink-locked", 1);
        string group = KafkaFixture.UniqueName("g-locked");
        string db = Path.Combine(_dir, "locked.db");
        await SinkKit.ProduceNumbersAsync(kafka, topic, 3, partitions: 1);
        SinkAddress.Parse($"sqlite:{db}").Open(topic, TimeSpan.FromSeconds(5)).Dispose();

        DemoResult refused;
        using (var holder = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            // Another writer holds the write lock for longer than the sink waits for it (10 s).
            holder.Open();
            using var transaction = holder.BeginTransaction(deferred: false);
            refused = await DemoProcess.RunAsync(Sink(topic, group, db, "--exit-at-end", "-o", "json"), TimeSpan.FromSeconds(60));
        }
        var retried = await DemoProcess.RunAsync(Sink(topic, group, db, "--exit-at-end", "-o", "json"));

        Assert.True(refused.ExitCode == 1, refused.ToString());
        var error = refused.OfEvent("error").Single(e => e.GetProperty("code").GetString() == "write_failed");
        Assert.Contains($"could not store {topic}-0-0", error.GetProperty("message").GetString());
        Assert.Contains("Neither the row nor its position was stored", error.GetProperty("message").GetString());
        Assert.Equal(0, refused.Summary.GetProperty("rows_written").GetInt64());
        Assert.Equal(1, refused.Summary.GetProperty("failures").GetInt64());
        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Equal(3, retried.Summary.GetProperty("rows_written").GetInt64());
        Assert.Equal((3, 3), SinkKit.Count(db, topic));
    }

    [Fact]
    public async Task Bad_targets_exit_2_naming_the_value_and_an_unreachable_MongoDB_exits_3_within_seconds()
    {
        string shaped = Path.Combine(_dir, "shaped.db");
        SinkKit.Execute(shaped, "CREATE TABLE testnum (num INTEGER)");
        int closedPort = ClosedPort();

        var results = await Task.WhenAll(
            DemoProcess.RunAsync(kafka.DemoArgs("sink", "--to", "postgres://localhost/numbers")),
            DemoProcess.RunAsync(kafka.DemoArgs("sink", "--to", $"sqlite:{_dir}/no/such/dir/numbers.db")),
            DemoProcess.RunAsync(kafka.DemoArgs("sink", "--to", $"sqlite:{shaped}")),
            DemoProcess.RunAsync(kafka.DemoArgs("sink", "--to", $"mongodb://127.0.0.1:{closedPort}/testnum", "--preflight-timeout", "2")));

        Assert.All(results.Take(3), r => Assert.True(r.ExitCode == 2, r.ToString()));
        Assert.Contains("--to 'postgres://localhost/numbers'", results[0].Stderr);
        Assert.Contains($"{_dir}/no/such/dir", results[1].Stderr);
        Assert.Contains("table testnum", results[2].Stderr);
        Assert.Contains("unexpected num INTEGER", results[2].Stderr);
        Assert.Contains("missing topic TEXT", results[2].Stderr);
        Assert.True(results[3].ExitCode == 3, results[3].ToString());
        Assert.Contains($"No MongoDB answered at 127.0.0.1:{closedPort} within 2 s", results[3].Stderr);
        Assert.InRange(results[3].Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(20));
        Assert.All(results, r => Assert.DoesNotContain("   at ", r.Stderr));
    }

    /// <summary>A loopback port nothing listens on: bound, then released.</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
