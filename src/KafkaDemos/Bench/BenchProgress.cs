using System.Diagnostics;
using System.Text;
using KafkaDemos.Cli;
using KafkaDemos.Core;

namespace KafkaDemos.Bench;

/// <summary>
/// Runs the benchmark's runs one after another with a progress bar per run in the output's live
/// region when stderr is a terminal, or a plain line per run otherwise. The results are data and
/// come after the bars, so the bars never share the screen with them.
/// </summary>
public static class BenchProgress
{
    private static readonly TimeSpan Redraw = TimeSpan.FromMilliseconds(100);
    private const int BarWidth = 30;

    public delegate Task<BenchResultEvent> Run(BenchPlan plan, Reporter output, BenchStage stage);

    public static async Task<IReadOnlyList<BenchResultEvent>> RunAllAsync(IReadOnlyList<BenchPlan> plans, DemoContext ctx, Run run)
    {
        var results = new List<BenchResultEvent>();
        var finished = new List<string>();
        BenchStage? current = null;
        var clock = Stopwatch.StartNew();
        using (var live = ctx.ShowLive(() => Render(finished, current, clock.Elapsed), Redraw, noDataMeanwhile: true))
        {
            foreach (var plan in plans)
            {
                if (live is null) ctx.Output.Emit(new InfoEvent($"Running {plan.Mode}: {plan.Count:N0} records ..."));
                var stage = new BenchStage { Description = plan.Mode, Total = plan.Count };
                current = stage;
                clock.Restart();
                var result = await run(plan, ctx.Output, stage);
                lock (finished) finished.Add(Bar(stage, clock.Elapsed));
                if (live is null) ctx.Output.Emit(result);
                results.Add(result);
            }
            current = null;
            if (live is null) return results;
        }
        foreach (var result in results) ctx.Output.Emit(result);
        return results;
    }

    private static string Render(List<string> finished, BenchStage? current, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        lock (finished) foreach (string line in finished) text.AppendLine(line);
        if (current is not null) text.Append(Bar(current, elapsed));
        return text.ToString();
    }

    private static string Bar(BenchStage stage, TimeSpan elapsed)
    {
        double share = stage.Total <= 0 ? 1 : Math.Clamp(stage.Done() / (double)stage.Total, 0, 1);
        int filled = (int)Math.Round(share * BarWidth);
        return $"  {stage.Description,-20} [{new string('#', filled)}{new string('-', BarWidth - filled)}] {share,4:P0} {elapsed:mm\\:ss}";
    }
}
