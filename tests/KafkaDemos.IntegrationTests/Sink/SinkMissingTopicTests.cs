using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>`demo sink --exit-at-end` follows consume's rule: a topic that does not exist has no end to reach.</summary>
public sealed class SinkMissingTopicTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_missing_topic_with_exit_at_end_exits_2_naming_it_and_writes_no_database()
    {
        string topic = KafkaFixture.UniqueName("nosuch");
        string directory = Directory.CreateTempSubdirectory("sink-missing-").FullName;
        string file = Path.Combine(directory, "rows.db");

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("sink", "--topic", topic, "--to", $"sqlite:{file}", "--group", KafkaFixture.UniqueName("g-sink"), "--exit-at-end", "-o", "json"), TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"'{topic}' does not exist", result.Stdout);
        Assert.False(File.Exists(file));
        Directory.Delete(directory, true);
    }

    /// <summary>The control: an existing topic is read to its end and the sink exits 0.</summary>
    [Fact]
    public async Task An_existing_topic_with_exit_at_end_is_read_to_the_end()
    {
        string topic = await kafka.CreateTopicAsync("sink-exists", 1);
        await SinkKit.ProduceNumbersAsync(kafka, topic, 3, partitions: 1);
        string directory = Directory.CreateTempSubdirectory("sink-exists-").FullName;
        string file = Path.Combine(directory, "rows.db");

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("sink", "--topic", topic, "--to", $"sqlite:{file}", "--group", KafkaFixture.UniqueName("g-sink"), "--exit-at-end", "-o", "json"), TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal((3, 3), SinkKit.Count(file, topic));
        Directory.Delete(directory, true);
    }
}
