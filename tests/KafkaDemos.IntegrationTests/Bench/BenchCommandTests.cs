using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Bench;

/// <summary>`demo bench` in a tiny configuration: its figures are well-formed and add up (no timing assertions).</summary>
public sealed partial class BenchCommandTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Bench_all_reports_every_mode_and_the_consumer_with_counts_that_add_up()
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs("bench", "all", "--count", "200", "--partitions", "2", "-o", "json"), Timeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        var runs = result.OfEvent("bench_result").ToList();
        Assert.Equal(["fire-and-forget", "async", "sync", "idempotent", "json", "consume"], runs.Select(r => r.GetProperty("mode").GetString()));
        foreach (var run in runs)
        {
            long records = Long(run, "records");
            Assert.Equal(200, records);
            Assert.Equal(0, Long(run, "failed"));
            Assert.Equal(0, Long(run, "not_delivered"));
            AssertRateIsRecordsOverElapsed(run);
            Assert.True(run.GetProperty("peak_working_set_mb").GetDouble() > 0);
            Assert.True(run.GetProperty("cpu_us_per_msg").GetDouble() > 0, run.ToString());
        }

        foreach (var run in runs.Where(r => r.GetProperty("kind").GetString() == "produce"))
        {
            var delivered = run.GetProperty("delivered");
            var latency = run.GetProperty("latency_ms");
            if (run.GetProperty("mode").GetString() == "fire-and-forget")
            {
                // It asks for no delivery reports: no delivered count, no latency.
                Assert.Equal(JsonValueKind.Null, delivered.ValueKind);
                Assert.Equal(JsonValueKind.Null, latency.ValueKind);
                continue;
            }
            Assert.Equal(Long(run, "records"), delivered.GetInt64() + Long(run, "failed") + Long(run, "not_delivered"));
            Assert.Equal(delivered.GetInt64(), Long(latency, "count"));
            AssertOrdered(latency);
        }

        var consume = runs.Single(r => r.GetProperty("kind").GetString() == "consume");
        Assert.Equal(200, Long(consume, "produced"));
        Assert.Equal(200, Long(consume, "retained"));
        Assert.Equal(Long(consume, "retained"), Long(consume, "records"));

        var summary = result.Summary;
        Assert.Equal("bench", summary.GetProperty("of").GetString());
        Assert.Equal(6, Long(summary, "runs"));
        Assert.True(summary.GetProperty("complete").GetBoolean());
    }

    /// <summary>
    /// Every delivery is timed, also when the run sends many times more messages than the local
    /// queue holds: the ring of send times is reused then, and a slot reused before its message's
    /// report left that delivery (among the slowest) out of the percentiles. With a ring one queue
    /// long, a fifth of these deliveries went untimed.
    /// </summary>
    [Theory]
    [InlineData("async")]
    [InlineData("idempotent")]
    public async Task Bench_times_every_delivery_when_the_run_is_many_queues_long(string mode)
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs("bench", "produce", "--mode", mode, "--count", "30000", "--partitions", "2",
            "-X", "queue.buffering.max.messages=300", "-o", "json"), Timeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        var run = result.OfEvent("bench_result").Single();
        Assert.Equal(30000, Long(run, "delivered"));
        Assert.Equal(30000, Long(run.GetProperty("latency_ms"), "count"));
    }

    [Fact]
    public async Task Bench_produce_prints_the_line_of_kafka_producer_perf_test()
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs("bench", "produce", "--mode", "async", "--count", "100", "--partitions", "2"), Timeout);

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = PerfTestLine().Match(result.Stdout);
        Assert.True(line.Success, result.ToString());
        Assert.Equal("100", line.Groups["records"].Value);
        double[] percentiles = PercentileGroups.Select(g => double.Parse(line.Groups[g].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(percentiles[0] <= percentiles[1] && percentiles[1] <= percentiles[2] && percentiles[2] - 0.5 <= percentiles[3], line.Value); // percentiles are printed in whole ms
        Assert.Contains("peak working set", result.Stdout);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task Bench_consume_with_topic_reads_an_existing_topic_up_to_count_and_writes_nothing()
    {
        string topic = await kafka.CreateTopicAsync("bench-existing", 2);
        using (var producer = new ProducerBuilder<string, string>(kafka.ProducerConfig()).Build())
        {
            for (int i = 0; i < 30; i++) producer.Produce(topic, new Message<string, string> { Key = i.ToString(), Value = $"msg_{i}" });
            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
        }

        var some = await DemoProcess.RunAsync(kafka.DemoArgs("bench", "consume", "--topic", topic, "--count", "20", "-o", "json"), Timeout);
        var all = await DemoProcess.RunAsync(kafka.DemoArgs("bench", "consume", "--topic", topic, "--count", "1000", "-o", "json"), Timeout);

        Assert.True(some.ExitCode == 0, some.ToString());
        Assert.True(all.ExitCode == 0, all.ToString());
        var first = some.OfEvent("bench_result").Single();
        var second = all.OfEvent("bench_result").Single();
        Assert.Equal(topic, first.GetProperty("topic").GetString());
        Assert.Equal(2, Long(first, "partitions"));
        Assert.Equal(20, Long(first, "records"));
        Assert.Equal(30, Long(first, "retained"));
        Assert.Equal(JsonValueKind.Null, first.GetProperty("produced").ValueKind);
        // The second run found the same 30 records: the first wrote nothing, and --count above what is there reads it all.
        Assert.Equal(30, Long(second, "retained"));
        Assert.Equal(30, Long(second, "records"));
        Assert.Equal(0, Long(second, "not_delivered"));
        Assert.Contains("fetch.queue.backoff.ms=10", second.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Bench_consume_with_a_missing_topic_exits_2_naming_it()
    {
        string topic = KafkaFixture.UniqueName("bench-missing");

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("bench", "consume", "--topic", topic), Timeout);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"--topic '{topic}' does not exist", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Theory]
    [InlineData("--count 0", "produce", "--count", "0")]
    [InlineData("--size -5", "consume", "--size", "-5")]
    [InlineData("'bogus'", "produce", "--mode", "bogus")]
    [InlineData("acks=0", "produce", "--mode", "idempotent", "--acks", "0")]
    public async Task Bad_input_exits_2_naming_the_value(string named, params string[] args)
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs(["bench", .. args]), Timeout);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    private static long Long(JsonElement e, string name) => e.GetProperty(name).GetInt64();

    /// <summary>
    /// msg/s is records / elapsed seconds, both as printed (elapsed rounded to 0.1 ms, so the true
    /// elapsed may be up to 0.05 ms shorter: a 200-record consume takes well under a millisecond).
    /// </summary>
    private static void AssertRateIsRecordsOverElapsed(JsonElement run)
    {
        double elapsed = run.GetProperty("elapsed_s").GetDouble();
        double rate = run.GetProperty("msg_per_s").GetDouble();
        double expected = Long(run, "records") / elapsed;
        Assert.True(elapsed > 0, run.ToString());
        double rounding = 0.00005 / Math.Max(elapsed - 0.00005, 0.00005);
        Assert.True(Math.Abs(rate - expected) <= expected * rounding + 0.1, $"{rate} msg/s vs {Long(run, "records")} / {elapsed} s");
        double mb = Long(run, "records") * run.GetProperty("value_bytes").GetDouble() / (1024 * 1024) / elapsed;
        Assert.True(Math.Abs(run.GetProperty("mb_per_s").GetDouble() - mb) <= mb * rounding + 0.01, run.ToString());
    }

    private static readonly string[] LatencyKeys = ["p50", "p95", "p99", "p999", "max"];
    private static readonly string[] PercentileGroups = ["p50", "p95", "p99", "max"];

    private static void AssertOrdered(JsonElement latency)
    {
        double[] values = LatencyKeys.Select(p => latency.GetProperty(p).GetDouble()).ToArray();
        Assert.True(values.Zip(values.Skip(1)).All(pair => pair.First <= pair.Second), string.Join(" <= ", values));
        Assert.True(latency.GetProperty("avg").GetDouble() <= values[^1]);
    }

    [GeneratedRegex(@"\[async\] (?<records>\d+) records sent, [\d.]+ records/sec \([\d.]+ MB/sec\), [\d.]+ ms avg latency, (?<max>[\d.]+) ms max latency, (?<p50>\d+) ms 50th, (?<p95>\d+) ms 95th, (?<p99>\d+) ms 99th, \d+ ms 99\.9th\.")]
    private static partial Regex PerfTestLine();
}
