using KafkaDemos.Core;
using Spectre.Console;

namespace KafkaDemos.Bench;

/// <summary>
/// Runs the benchmark's runs one after another with a progress bar per run on stderr when it
/// is a terminal (Spectre.Console), or a plain line per run otherwise. While bars are drawn,
/// events are held back and written once the display is gone, so lines never tear the bars.
/// </summary>
public static class BenchProgress
{
    private static readonly TimeSpan Redraw = TimeSpan.FromMilliseconds(100);

    public delegate Task<BenchResultEvent> Run(BenchPlan plan, IOutput output, BenchStage stage);

    public static async Task<IReadOnlyList<BenchResultEvent>> RunAllAsync(IReadOnlyList<BenchPlan> plans, IOutput output, Run run)
    {
        if (Console.IsErrorRedirected) return await PlainAsync(plans, output, run);

        var held = new HeldSink();
        var results = new List<BenchResultEvent>();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        try
        {
            await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async display =>
                {
                    foreach (var plan in plans)
                    {
                        var task = display.AddTask(Markup.Escape(plan.Mode), maxValue: Math.Max(plan.Count, 1));
                        var stage = new BenchStage { Description = plan.Mode, Total = plan.Count };
                        var running = run(plan, held, stage);
                        while (!running.IsCompleted)
                        {
                            await Task.WhenAny(running, Task.Delay(Redraw));
                            Show(task, stage);
                        }
                        results.Add(await running);
                        Show(task, stage);
                        task.StopTask();
                    }
                });
        }
        finally
        {
            held.Release(output);
        }
        foreach (var result in results) output.Emit(result);
        return results;
    }

    private static void Show(ProgressTask task, BenchStage stage)
    {
        task.Description = Markup.Escape(stage.Description);
        task.MaxValue = Math.Max(stage.Total, 1);
        task.Value = Math.Min(stage.Done(), stage.Total);
    }

    private static async Task<IReadOnlyList<BenchResultEvent>> PlainAsync(IReadOnlyList<BenchPlan> plans, IOutput output, Run run)
    {
        var results = new List<BenchResultEvent>();
        foreach (var plan in plans)
        {
            output.Emit(new InfoEvent($"Running {plan.Mode}: {plan.Count:N0} records ..."));
            var result = await run(plan, output, new BenchStage());
            output.Emit(result);
            results.Add(result);
        }
        return results;
    }

    /// <summary>Keeps events while the bars are on screen.</summary>
    private sealed class HeldSink : IOutput
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<DemoEvent> _events = new();

        public void Emit(DemoEvent e) => _events.Enqueue(e);

        public void Flush()
        {
        }

        public void Release(IOutput output)
        {
            while (_events.TryDequeue(out var e)) output.Emit(e);
        }
    }
}
