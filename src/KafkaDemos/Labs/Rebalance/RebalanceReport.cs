using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Core;

namespace KafkaDemos.Labs.Rebalance;

/// <summary>What the lab prints when it is done: each step's cost, the protocols side by side, and the summary.</summary>
public static partial class RebalanceLab
{
    private sealed record StepResult(int Step, string Change, int Members, TimeSpan? Rebalance, bool OneOwner, string Idle,
        IReadOnlyDictionary<string, TimeSpan> Paused, long ProcessedTwice)
    {
        public TimeSpan LongestPause => Paused.Count == 0 ? TimeSpan.Zero : Paused.Values.Max();
    }

    private static string Seconds(TimeSpan? t) => t is TimeSpan s ? $"{s.TotalSeconds:0.0} s" : "not settled";

    /// <summary>The same steps under both protocols, side by side.</summary>
    private static void Compare(DemoContext ctx, List<Pass> runs)
    {
        var (classic, consumer) = (runs[0], runs[1]);
        var rows = classic.Steps.Zip(consumer.Steps, (a, b) => (IReadOnlyList<object?>)
        [
            a.Step, a.Change,
            Seconds(a.Rebalance), Seconds(a.LongestPause), a.ProcessedTwice,
            Seconds(b.Rebalance), Seconds(b.LongestPause), b.ProcessedTwice,
        ]).ToList();
        rows.Add(["", "total",
            Seconds(Total(classic.Steps, s => s.Rebalance ?? TimeSpan.Zero)), Seconds(Total(classic.Steps, s => s.LongestPause)), classic.Steps.Sum(s => s.ProcessedTwice),
            Seconds(Total(consumer.Steps, s => s.Rebalance ?? TimeSpan.Zero)), Seconds(Total(consumer.Steps, s => s.LongestPause)), consumer.Steps.Sum(s => s.ProcessedTwice)]);
        ctx.Output.Emit(new TableEvent($"Rebalance lab: classic ({classic.Strategy}) and consumer (KIP-848), the same steps",
            ["Step", "Change", "Classic: all owned after", "Classic: longest pause", "Classic: processed twice",
             "Consumer: all owned after", "Consumer: longest pause", "Consumer: processed twice"], rows));
        ctx.Info("• All owned after: from the change until every partition had exactly one owner again (and the partitions were spread evenly).");
        ctx.Info("• Longest pause: the longest time a member that had partitions owned none during the rebalance, so consumed nothing.");
        ctx.Info("• Processed twice: records consumed again by their next owner, because the sync commit of the batch in flight had not happened (or was refused) when the partition moved.");
    }

    private static TimeSpan Total(IEnumerable<StepResult> steps, Func<StepResult, TimeSpan> pick) =>
        steps.Aggregate(TimeSpan.Zero, (sum, s) => sum + pick(s));

    private static int Summarize(DemoContext ctx, List<Pass> runs, string protocol, LabBroker broker, TimeSpan elapsed)
    {
        var checks = runs.SelectMany(r => r.Checks).ToList();
        int failed = checks.Count(c => !c.Passed);
        bool complete = runs.Count == (protocol == Both ? 2 : 1) && runs.All(r => r.Complete);
        var first = runs.FirstOrDefault();
        ctx.Output.Emit(new SummaryEvent("lab",
        [
            new("lab", Name), new("group_protocol", protocol), new("strategy", first?.Strategy), new("consumers", first?.MemberCount),
            new("partitions", first?.PartitionCount), new("processes", first?.AsProcesses),
            new("steps", runs.Sum(r => r.Steps.Count)), new("checks", checks.Count), new("failed", failed),
            new("commit_failures", runs.Sum(r => r.CommitFailures)),
            new("processed_twice", runs.ToDictionary(r => r.Protocol, r => r.Steps.Sum(s => s.ProcessedTwice))),
            new("elapsed_s", Math.Round(elapsed.TotalSeconds, 1)),
            new("broker", broker.Embedded is null ? "configured" : "embedded"),
        ]));
        bool ok = complete && failed == 0;
        ctx.Info(ok ? "Every check held." : "Some checks failed: see the steps marked ✘ above.");
        return ok ? ExitCodes.Success : ExitCodes.Failed;
    }

    private sealed partial class Pass
    {
        private void Report(TimeSpan elapsed)
        {
            ctx.Output.Emit(new TableEvent($"Rebalance lab: {partitionCount} partitions, group.protocol={Protocol}, {Strategy}",
                ["Step", "Change", "Members", "Rebalance", "Longest pause", "Processed twice", "One owner each", "Idle"],
                _steps.Select(s => (IReadOnlyList<object?>)
                [
                    s.Step, s.Change, s.Members, Seconds(s.Rebalance), Seconds(s.LongestPause), s.ProcessedTwice, s.OneOwner ? "yes" : "NO", s.Idle,
                ]).ToList()));
            if (CommitFailures > 0)
                ctx.Info($"{CommitFailures} commit(s) were refused while the group rebalanced (the members' next owner reads those records again).");
            ctx.Info($"group.protocol={Protocol}: {_steps.Count} steps in {elapsed.TotalSeconds:0.0} s.");
        }
    }
}
