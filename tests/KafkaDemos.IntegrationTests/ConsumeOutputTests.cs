using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>`demo consume` as a child process: every record reaches stdout, and a missing topic is explained.</summary>
public sealed class ConsumeOutputTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Text_mode_prints_every_record_to_a_pipe()
    {
        // Far above any per-second sampling rate: a sampled writer would keep only a fraction.
        const int count = 3000;
        string topic = await kafka.CreateTopicAsync("every-record", 2);
        await ConsumerKit.ProduceAsync(kafka, topic, count, partitions: 2);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "--topic", topic, "--group", KafkaFixture.UniqueName("g-every"), "--exit-at-end"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var records = result.Stdout.Split('\n').Where(l => l.StartsWith($"{topic}-", StringComparison.Ordinal) && l.Contains(" : (")).ToList();
        Assert.Equal(count, records.Count);
        Assert.Equal(count, records.Distinct().Count());
        Assert.DoesNotContain("not shown", result.Stderr);
    }

    [Fact]
    public async Task A_missing_topic_with_exit_at_end_exits_2_naming_it()
    {
        string topic = KafkaFixture.UniqueName("nosuch");

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "--topic", topic, "--exit-at-end"), TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"'{topic}' does not exist", result.Stderr);
    }

    [Fact]
    public async Task A_missing_topic_without_exit_at_end_says_that_it_waits()
    {
        string topic = KafkaFixture.UniqueName("nosuch");
        await using var demo = DemoProcess.Start(kafka.DemoArgs("consume", "--topic", topic, "--group", KafkaFixture.UniqueName("g-wait")));

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!demo.Stderr.Contains($"Topic '{topic}' does not exist yet: waiting"))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no waiting notice:\n{demo.Stderr}");
            await Task.Delay(100);
        }
        demo.Interrupt();
        await demo.WaitForExitAsync(TimeSpan.FromSeconds(20));
    }
}
