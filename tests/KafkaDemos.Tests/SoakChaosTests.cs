using KafkaDemos.Labs.Soak;

namespace KafkaDemos.Tests;

/// <summary>The soak lab's seeded chaos schedule.</summary>
public sealed class SoakChaosTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(977)]
    public void A_seed_gives_one_plan_in_which_every_kind_comes_before_any_repeats(int seed)
    {
        var duration = TimeSpan.FromMinutes(2);
        var every = TimeSpan.FromSeconds(5);
        var plan = SoakChaos.Plan(seed, duration, every, SoakChaos.WithBrokerFaults);

        Assert.Equal(plan, SoakChaos.Plan(seed, duration, every, SoakChaos.WithBrokerFaults));
        Assert.NotEqual(plan.Select(a => a.Kind), SoakChaos.Plan(seed + 1, duration, every, SoakChaos.WithBrokerFaults).Select(a => a.Kind));
        int kinds = SoakChaos.WithBrokerFaults.Count;
        for (int round = 0; round + kinds <= plan.Count; round += kinds)
            Assert.Equal(SoakChaos.WithBrokerFaults.ToHashSet(), plan.Skip(round).Take(kinds).Select(a => a.Kind).ToHashSet());
        Assert.All(plan.Zip(plan.Skip(1)), pair =>
        {
            var gap = pair.Second.At - pair.First.At;
            Assert.InRange(gap, every * 0.75, every * 1.25);
        });
        Assert.All(plan, a => Assert.InRange(a.At, every, duration - TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Against_another_broker_the_plan_touches_only_the_members()
    {
        var plan = SoakChaos.Plan(7, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(3), SoakChaos.ClientSide);

        Assert.All(plan, a => Assert.Contains(a.Kind, SoakChaos.ClientSide));
        Assert.True(plan.Count >= 15);
    }
}
