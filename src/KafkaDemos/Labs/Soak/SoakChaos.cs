using KafkaDemos.Core;

namespace KafkaDemos.Labs.Soak;

/// <summary>What the soak lab does to the running system.</summary>
public enum ChaosKind
{
    /// <summary>kill -9 of a member (no commit, no Close()), restarted a second later.</summary>
    Kill,

    /// <summary>SIGTERM to a member (it commits and leaves), restarted at once.</summary>
    Stop,

    /// <summary>A new member joins the group (or, once two extra have joined, the newest extra one leaves).</summary>
    Join,

    /// <summary>The leader of a partition moves to another broker (embedded broker only).</summary>
    LeaderMove,

    /// <summary>A broker goes down for a few seconds, then up again (embedded broker only).</summary>
    BrokerDown,
}

/// <summary>One planned action: when, what, and a seeded number that picks its target.</summary>
public sealed record ChaosAction(TimeSpan At, ChaosKind Kind, int Pick);

/// <summary>
/// The seeded chaos schedule. Actions come every <c>every</c> (±25%), from one interval after the
/// start to two seconds before the end; their kinds are drawn as shuffled rounds of every kind the
/// broker allows, so each kind comes once before any comes twice. The same seed gives the same plan.
/// </summary>
public static class SoakChaos
{
    public static readonly IReadOnlyList<ChaosKind> ClientSide = [ChaosKind.Kill, ChaosKind.Stop, ChaosKind.Join];

    public static readonly IReadOnlyList<ChaosKind> WithBrokerFaults = [.. ClientSide, ChaosKind.LeaderMove, ChaosKind.BrokerDown];

    private static readonly TimeSpan QuietEnd = TimeSpan.FromSeconds(2);

    public static IReadOnlyList<ChaosAction> Plan(int seed, TimeSpan duration, TimeSpan every, IReadOnlyList<ChaosKind> kinds)
    {
        var random = new Random(seed);
        var plan = new List<ChaosAction>();
        var round = new List<ChaosKind>();
        var at = every;
        while (at < duration - QuietEnd)
        {
            if (round.Count == 0)
            {
                round.AddRange(kinds);
                random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(round));
            }
            plan.Add(new ChaosAction(at, round[^1], random.Next(int.MaxValue)));
            round.RemoveAt(round.Count - 1);
            at += every * (0.75 + random.NextDouble() / 2);
        }
        return plan;
    }
}

/// <summary>One chaos action as it was carried out.</summary>
public sealed record ChaosEvent(double AtS, string Action, string Detail) : DemoEvent("chaos")
{
    public override string? ToText() => $"⚡ {AtS,6:0.0} s  {Action}: {Detail}";
}
