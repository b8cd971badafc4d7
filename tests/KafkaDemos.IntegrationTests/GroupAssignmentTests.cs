using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>The course's group slides: five members on four partitions.</summary>
public sealed class GroupAssignmentTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Five_members_on_four_partitions_leave_one_member_with_nothing()
    {
        string topic = await kafka.CreateTopicAsync("five", 4);
        string group = KafkaFixture.UniqueName("g-five");
        var sink = new RecordedEvents();
        using var stop = new CancellationTokenSource();
        string[] members = ["m1", "m2", "m3", "m4", "m5"];

        var running = members.Select(m => SyncCommitConsumer.RunAsync(ConsumerKit.Config(kafka, group), ConsumerKit.Options(topic, m), sink, stop.Token)).ToList();
        await sink.WaitUntilAsync(s =>
            members.All(m => s.Of<AssignedEvent>(m).Count > 0)
            && members.Sum(m => s.Assignment(m).Count) == 4
            && members.SelectMany(s.Assignment).Distinct().Count() == 4,
            TimeSpan.FromSeconds(40), "a stable group: every member assigned, the 4 partitions owned once each");
        var owned = members.Select(m => sink.Assignment(m)).ToList();
        await stop.CancelAsync();
        await Task.WhenAll(running);

        Assert.Single(owned, o => o.Count == 0);
        Assert.Equal(4, owned.Count(o => o.Count == 1));
        // The course prints it too: "Setting newly assigned partitions: []".
        Assert.Contains(sink.Of<AssignedEvent>(), e => e.Partitions.Count == 0 && e.ToText()!.EndsWith("Setting newly assigned partitions: []", StringComparison.Ordinal));
    }
}

/// <summary>Incremental (cooperative-sticky) rebalancing moves only what has to move.</summary>
public sealed class CooperativeRebalanceTests(KafkaFixture kafka)
{
    [Fact]
    public async Task With_cooperative_sticky_only_the_moved_partitions_are_revoked()
    {
        string topic = await kafka.CreateTopicAsync("coop", 4);
        string group = KafkaFixture.UniqueName("g-coop");
        var sink = new RecordedEvents();
        using var stop = new CancellationTokenSource();
        var config = () => ConsumerKit.Config(kafka, group, "cooperative-sticky");

        var first = RebalanceCommitConsumer.RunAsync(config(), ConsumerKit.Options(topic, "A"), sink, stop.Token);
        await sink.WaitUntilAsync(s => s.Assignment("A").Count == 4, TimeSpan.FromSeconds(20), "A owns all 4 partitions");
        var second = RebalanceCommitConsumer.RunAsync(config(), ConsumerKit.Options(topic, "B"), sink, stop.Token);
        await sink.WaitUntilAsync(s => s.Assignment("A").Count == 2 && s.Assignment("B").Count == 2, TimeSpan.FromSeconds(30), "A and B own two partitions each");
        var kept = sink.Assignment("A");
        var taken = sink.Assignment("B");
        var revokedBeforeStop = sink.Of<RevokedEvent>("A").SelectMany(e => e.Partitions).ToList();
        await stop.CancelAsync();
        await Task.WhenAll(first, second);

        Assert.Equal(2, revokedBeforeStop.Count);
        Assert.Empty(revokedBeforeStop.Intersect(kept));
        Assert.Equal(ConsumerEvent.Sorted(taken), ConsumerEvent.Sorted(revokedBeforeStop));
    }
}
