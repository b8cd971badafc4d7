using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>
/// `demo sink --commit db` resuming at the positions stored with the rows, judged by what each run
/// read and what the table holds, not by what the run says about resuming.
/// </summary>
public sealed class SinkResumeTests(KafkaFixture kafka) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sink-resume-").FullName;

    private string[] Sink(string topic, string group, string file, params string[] more) =>
        kafka.DemoArgs(["sink", "--topic", topic, "--group", group, "--to", $"sqlite:{file}", "--exit-at-end", "-o", "json", .. more, .. ConsumerKit.FastRebalanceArgs(kafka)]);

    private static readonly string[] ReadEvents = ["row_added", "already_stored", "record_skipped"];

    /// <summary>The records a run read: every row added, every record found already stored, every record skipped.</summary>
    private static List<(int Partition, long Offset)> Read(DemoResult run) =>
        ReadEvents.SelectMany(run.OfEvent)
            .Select(e => (e.GetProperty("partition").GetInt32(), e.GetProperty("offset").GetInt64())).Order().ToList();

    [Fact]
    public async Task Under_latest_a_run_with_stored_positions_still_writes_what_arrived_since_each_number_exactly_once()
    {
        string topic = await kafka.CreateTopicAsync("sink-latest", 2);
        string group = KafkaFixture.UniqueName("g-latest");
        string db = Path.Combine(_dir, "latest.db");
        await SinkKit.ProduceNumbersAsync(kafka, topic, 6, partitions: 2);
        var first = await DemoProcess.RunAsync(Sink(topic, group, db));
        // These arrive while no sink runs: before the end of each partition when the next run starts.
        await SinkKit.ProduceNumbersAsync(kafka, topic, 4, partitions: 2, from: 6);

        // latest applies only to a partition with no stored position; both have one.
        var second = await DemoProcess.RunAsync(Sink(topic, group, db, "--offset-reset", "latest"));

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.Equal([(0, 3L), (0, 4L), (1, 3L), (1, 4L)], Read(second));
        Assert.Equal(4, second.Summary.GetProperty("rows_written").GetInt64());
        Assert.Equal(0, second.Summary.GetProperty("already_stored").GetInt64());
        Assert.Equal(Enumerable.Range(0, 10).Select(n => (long)n), SinkKit.Numbers(db, topic));
        Assert.Equal(new Dictionary<long, long> { [0] = 5, [1] = 5 }, SinkKit.Positions(db, topic));
    }

    [Fact]
    public async Task Under_earliest_a_run_with_stored_positions_reads_only_the_records_after_them()
    {
        string topic = await kafka.CreateTopicAsync("sink-earliest", 2);
        string group = KafkaFixture.UniqueName("g-earliest");
        string db = Path.Combine(_dir, "earliest.db");
        await SinkKit.ProduceNumbersAsync(kafka, topic, 6, partitions: 2);
        var first = await DemoProcess.RunAsync(Sink(topic, group, db));
        await SinkKit.ProduceNumbersAsync(kafka, topic, 2, partitions: 2, from: 6);

        // A new group as well: no offset committed to Kafka could explain where it starts.
        var second = await DemoProcess.RunAsync(Sink(topic, KafkaFixture.UniqueName("g-earliest-2"), db, "--offset-reset", "earliest"));

        Assert.True(first.ExitCode == 0 && second.ExitCode == 0, first + "\n" + second);
        Assert.Equal(6, Read(first).Count);
        // Re-reading from the start would look exactly-once in the table (the stored positions refuse
        // the old records again); what it read shows where it started.
        Assert.Equal([(0, 3L), (1, 3L)], Read(second));
        Assert.Equal(0, second.Summary.GetProperty("already_stored").GetInt64());
        Assert.Equal(Enumerable.Range(0, 8).Select(n => (long)n), SinkKit.Numbers(db, topic));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
