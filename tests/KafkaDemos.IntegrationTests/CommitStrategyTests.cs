using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>Each strategy: consume N of M, stop cleanly, restart in the same group, resume exactly after the last commit.</summary>
public sealed class CommitStrategyTests(KafkaFixture kafka)
{
    public static TheoryData<string> Strategies => [.. ConsumeCommand.Strategies.Keys];

    [Theory]
    [MemberData(nameof(Strategies))]
    public async Task Stopping_cleanly_commits_what_was_processed_and_a_restart_resumes_right_after_it(string strategy)
    {
        const int total = 12, first = 5;
        string topic = await kafka.CreateTopicAsync("resume-" + strategy, 2);
        string group = KafkaFixture.UniqueName("g-resume");
        await ConsumerKit.ProduceAsync(kafka, topic, total, partitions: 2);
        var run = ConsumeCommand.Strategies[strategy];

        var sink1 = new RecordedEvents();
        var outcome1 = await run(ConsumerKit.Config(kafka, group), ConsumerKit.Options(topic) with { MaxMessages = first, CommitEvery = 2 }, sink1, CancellationToken.None);
        var firstRun = sink1.Of<ConsumedEvent>();

        Assert.True(outcome1.Succeeded, string.Join("\n", sink1.Events.Select(e => e.ToText())));
        Assert.Equal(first, firstRun.Count);
        // A clean stop commits everything processed, whatever the strategy: the duplicate bound is 0.
        var processedUpTo = firstRun.GroupBy(e => $"{e.Topic}-{e.Partition}").ToDictionary(g => g.Key, g => g.Max(e => e.Offset) + 1);
        var committed = ConsumerKit.Committed(kafka, group, topic, 2);
        Assert.Equal(processedUpTo, committed);
        Assert.Equal(processedUpTo, outcome1.Committed);

        var sink2 = new RecordedEvents();
        var outcome2 = await run(ConsumerKit.Config(kafka, group), ConsumerKit.Options(topic) with { ExitAtEnd = true, CommitEvery = 2 }, sink2, CancellationToken.None);
        var secondRun = sink2.Of<ConsumedEvent>();

        Assert.True(outcome2.Succeeded);
        foreach (var partition in secondRun.GroupBy(e => $"{e.Topic}-{e.Partition}"))
            Assert.Equal(committed.GetValueOrDefault(partition.Key), partition.Min(e => e.Offset));
        var all = firstRun.Concat(secondRun).Select(e => int.Parse(e.Value!)).Order().ToList();
        Assert.Equal(Enumerable.Range(0, total), all); // nothing lost, nothing twice
        Assert.Equal(new Dictionary<string, long> { [$"{topic}-0"] = total / 2, [$"{topic}-1"] = total / 2 }, ConsumerKit.Committed(kafka, group, topic, 2));
    }
}
