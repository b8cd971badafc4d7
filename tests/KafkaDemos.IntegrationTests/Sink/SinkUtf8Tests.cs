using System.Text;
using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>A value whose bytes are not UTF-8 is not JSON: the sink refuses it like any other non-JSON record.</summary>
public sealed class SinkUtf8Tests(KafkaFixture kafka) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sink-utf8-").FullName;

    [Theory]
    [InlineData("db")]
    [InlineData("auto")]
    public async Task Invalid_UTF8_inside_a_JSON_value_is_skipped_named_and_counted_and_no_row_is_written(string commit)
    {
        string topic = await kafka.CreateTopicAsync("sink-utf8", 1);
        string db = Path.Combine(_dir, $"{commit}.db");
        byte[] broken = [.. "{\"num\": \""u8, 0xFF, .. "\"}"u8];
        using (var producer = new ProducerBuilder<Null, byte[]>(kafka.ProducerConfig()).Build())
        {
            // 0, then the broken value at offset 1, then a valid value that holds U+FFFD itself, then 3.
            foreach (byte[] value in new[] { "{\"num\": 0}"u8.ToArray(), broken, Encoding.UTF8.GetBytes("{\"num\": 2, \"s\": \"\uFFFD\"}"), "{\"num\": 3}"u8.ToArray() })
                await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, byte[]> { Value = value });
        }

        var run = await DemoProcess.RunAsync(kafka.DemoArgs(["sink", "--topic", topic, "--group", KafkaFixture.UniqueName("g-utf8"), "--to", $"sqlite:{db}",
            "--commit", commit, "--exit-at-end", "-o", "json", .. ConsumerKit.FastRebalanceArgs(kafka)]));

        Assert.True(run.ExitCode == 0, run.ToString());
        var skipped = run.OfEvent("record_skipped").Single();
        Assert.Equal(1, skipped.GetProperty("offset").GetInt64());
        Assert.Contains("invalid UTF-8 at byte 9", skipped.GetProperty("reason").GetString());
        Assert.Equal([0L, 2L, 3L], run.OfEvent("row_added").Select(e => e.GetProperty("offset").GetInt64()));
        Assert.Equal(1, run.Summary.GetProperty("skipped").GetInt64());
        Assert.Equal(3, run.Summary.GetProperty("rows_written").GetInt64());
        Assert.Equal([0L, 2L, 3L], SinkKit.Numbers(db, topic));
        if (commit == "db") Assert.Equal(new Dictionary<long, long> { [0] = 4 }, SinkKit.Positions(db, topic));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
