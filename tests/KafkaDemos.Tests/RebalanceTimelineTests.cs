using KafkaDemos.Admin;

namespace KafkaDemos.Tests;

/// <summary>How `demo groups watch` turns ownership pictures into rebalances.</summary>
public sealed class RebalanceTimelineTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly PartitionOwner A = new("member-a", "client-a");
    private static readonly PartitionOwner B = new("member-b", "client-b");

    private static Dictionary<string, IReadOnlyList<PartitionOwner>> Owners(params PartitionOwner?[] owners) =>
        owners.Select((o, i) => (Name: $"t-{i}", Owners: o is null ? (IReadOnlyList<PartitionOwner>)[] : [o])).ToDictionary(x => x.Name, x => x.Owners);

    [Fact]
    public void A_join_is_timed_from_the_first_change_until_every_partition_has_one_owner_and_lists_what_moved()
    {
        var timeline = new RebalanceTimeline("g");
        Assert.Null(timeline.Observe(T0, Owners(A, A, A, A), members: 1, membersPending: false, generation: 1));
        Assert.Null(timeline.Observe(T0.AddSeconds(1), Owners(A, A, A, A), members: 2, membersPending: true, generation: 1));
        Assert.Null(timeline.Observe(T0.AddSeconds(2), Owners(null, null, null, null), members: 2, membersPending: true, generation: 2));

        var done = timeline.Observe(T0.AddSeconds(3.5), Owners(A, A, B, B), members: 2, membersPending: false, generation: 2);

        Assert.NotNull(done);
        Assert.Equal(2.5, done.DurationS);
        Assert.Equal([("t", 2, "member-a", "member-b"), ("t", 3, "member-a", "member-b")], done.Moves.Select(m => (m.Topic, m.Partition, m.From, m.To)));
        Assert.Same(done, timeline.Recent.Single());
    }

    [Fact]
    public void Negative_control_a_partition_with_two_owners_or_none_never_completes_a_rebalance()
    {
        var timeline = new RebalanceTimeline("g");
        timeline.Observe(T0, Owners(A, A), members: 1, membersPending: false, generation: 1);
        var twice = new Dictionary<string, IReadOnlyList<PartitionOwner>> { ["t-0"] = [A, B], ["t-1"] = [B] };

        Assert.Null(timeline.Observe(T0.AddSeconds(1), twice, members: 2, membersPending: false, generation: 2));
        Assert.Null(timeline.Observe(T0.AddSeconds(2), Owners(A, null), members: 2, membersPending: false, generation: 2));
        Assert.True(timeline.InProgress);
        Assert.Empty(timeline.Recent);
    }

    [Fact]
    public void An_unchanged_picture_is_no_rebalance_and_the_last_member_leaving_is_one()
    {
        var timeline = new RebalanceTimeline("g");
        timeline.Observe(T0, Owners(A, B), members: 2, membersPending: false, generation: 3);
        Assert.Null(timeline.Observe(T0.AddSeconds(1), Owners(A, B), members: 2, membersPending: false, generation: 3));

        var left = timeline.Observe(T0.AddSeconds(2), Owners(null, null), members: 0, membersPending: false, generation: null);

        Assert.NotNull(left);
        Assert.All(left.Moves, m => Assert.Null(m.To));
    }
}
