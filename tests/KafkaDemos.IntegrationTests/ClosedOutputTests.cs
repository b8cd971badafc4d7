using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>
/// `demo ... | head -3`: once stdout's reader has gone, a command stops as on Ctrl+C, says so on
/// stderr and exits 1. A consumer commits no record whose line it could not print; the sink
/// keeps its rows and positions exactly once; the producer flushes what it sent and reports it.
/// </summary>
public sealed class ClosedOutputTests(KafkaFixture kafka) : IDisposable
{
    private const int Count = 10_000;
    private readonly string _dir = Directory.CreateTempSubdirectory("closed-output-").FullName;

    // A line is at least "t-0-0 : (0 , 0)"-long; what the child wrote before the reader left fits in
    // the pipe (64 KiB on Linux) and the reader's own buffer. Everything beyond that was never written.
    private static long MostWritten(string topic) => 3 + (64 * 1024 + 16 * 1024) / $"{topic}-0-0 : (0 , 0)".Length;

    [Theory]
    [InlineData("sync", "text")]
    [InlineData("sync", "json")]
    [InlineData("specified", "text")]
    [InlineData("auto", "text")]
    [InlineData("async", "text")]
    [InlineData("rebalance", "text")]
    public async Task Consume_into_a_closed_pipe_stops_exits_1_and_commits_only_what_it_wrote(string strategy, string format)
    {
        string topic = await kafka.CreateTopicAsync("closed-consume", 2);
        await ConsumerKit.ProduceAsync(kafka, topic, Count, partitions: 2);
        string group = KafkaFixture.UniqueName("g-closed");

        var run = await ClosedPipe.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-g", group, "--commit", strategy, "--exit-at-end", "-o", format), lines: 3);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Equal(3, run.Lines.Count);
        Assert.Contains("Output closed", run.Stderr);
        Assert.Contains("Stopped early: stdout was closed by its reader; exit code 1", run.Stderr);
        long committed = ConsumerKit.Committed(kafka, group, topic, 2).Values.Sum();
        Assert.True(committed <= MostWritten(topic), $"committed {committed} of {Count}, more than could have been written\n{run}");
    }

    [Fact]
    public async Task Consume_read_to_the_end_commits_the_log_end_and_exits_0()
    {
        string topic = await kafka.CreateTopicAsync("open-consume", 2);
        await ConsumerKit.ProduceAsync(kafka, topic, Count, partitions: 2);
        string group = KafkaFixture.UniqueName("g-open");

        var run = await ClosedPipe.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-g", group, "--exit-at-end"), lines: null);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(Count, run.Lines.Count(l => l.StartsWith($"{topic}-", StringComparison.Ordinal)));
        Assert.DoesNotContain("Output closed", run.Stderr);
        Assert.Equal(Count, ConsumerKit.Committed(kafka, group, topic, 2).Values.Sum());
    }

    [Fact]
    public async Task Sink_into_a_closed_pipe_stops_with_rows_and_positions_exactly_once()
    {
        string topic = await kafka.CreateTopicAsync("closed-sink", 2);
        await SinkKit.ProduceNumbersAsync(kafka, topic, 2000, partitions: 2);
        string group = KafkaFixture.UniqueName("g-closed-sink"), db = Path.Combine(_dir, "sink.db");
        string[] args = kafka.DemoArgs(["sink", "--topic", topic, "--group", group, "--to", $"sqlite:{db}", "--exit-at-end", .. ConsumerKit.FastRebalanceArgs(kafka)]);

        var run = await ClosedPipe.RunAsync(args, lines: 3);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Output closed", run.Stderr);
        var (rows, distinct) = SinkKit.Count(db, topic);
        Assert.True(rows < 2000, $"the sink went on after its output closed: {rows} rows\n{run}");
        Assert.Equal(rows, distinct);
        Assert.Equal(rows, SinkKit.Positions(db, topic).Values.Sum());

        // The next run resumes at the stored positions: every number exactly once.
        var rest = await DemoProcess.RunAsync(kafka.DemoArgs(["sink", "--topic", topic, "--group", group, "--to", $"sqlite:{db}", "--exit-at-end", .. ConsumerKit.FastRebalanceArgs(kafka)]));
        Assert.True(rest.ExitCode == 0, rest.ToString());
        Assert.Equal((2000L, 2000L), SinkKit.Count(db, topic));
    }

    [Fact]
    public async Task Produce_into_a_closed_pipe_stops_sending_flushes_and_reports()
    {
        string topic = await kafka.CreateTopicAsync("closed-produce", 1);
        const int asked = 200_000;

        var run = await ClosedPipe.RunAsync(kafka.DemoArgs("produce", "--mode", "async", "--topic", topic, "-n", asked.ToString()), lines: 3);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("Output closed", run.Stderr);
        Assert.Contains("Message sending stopped (stdout closed)", run.Stderr);
        Assert.Contains("Stopped early: stdout was closed by its reader; exit code 1", run.Stderr);
        long inTopic = await EndOffsetAsync(topic);
        Assert.True(inTopic < asked, $"all {asked} sent although the output closed\n{run}");
        Assert.Matches(@"sent \d+", run.Stderr);
    }

    private async Task<long> EndOffsetAsync(string topic)
    {
        await Task.Yield();
        using var consumer = new Confluent.Kafka.ConsumerBuilder<Confluent.Kafka.Ignore, Confluent.Kafka.Ignore>(kafka.ConsumerConfig(KafkaFixture.UniqueName("g-end"))).Build();
        return consumer.QueryWatermarkOffsets(new Confluent.Kafka.TopicPartition(topic, 0), TimeSpan.FromSeconds(10)).High.Value;
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}
