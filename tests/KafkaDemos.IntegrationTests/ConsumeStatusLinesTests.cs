using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>In text mode stdout carries the records alone; the commit lines are status, on stderr, as kcat keeps data and status apart.</summary>
public sealed class ConsumeStatusLinesTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Commit_lines_go_to_stderr_and_stdout_has_only_the_records()
    {
        const int count = 40;
        string topic = await kafka.CreateTopicAsync("status-lines", 2);
        await ConsumerKit.ProduceAsync(kafka, topic, count, partitions: 2);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "--topic", topic, "--group", KafkaFixture.UniqueName("g-status"),
            "--commit", "sync", "--commit-every", "10", "--exit-at-end"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var stdout = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(count, stdout.Length);
        Assert.All(stdout, line => Assert.StartsWith($"{topic}-", line, StringComparison.Ordinal));
        // The control: the commits were made and said, on the other stream.
        Assert.Contains("# Committed offsets for: ", result.Stderr);
    }
}
