using System.Collections.Concurrent;
using KafkaDemos.Cli;
using KafkaDemos.Core;
using Spectre.Console;

namespace KafkaDemos.Labs;

/// <summary>Where the soak stands: for the live display, and every few seconds as a JSON event.</summary>
public sealed record SoakProgressEvent(
    string Phase,
    double ElapsedS,
    long Sent,
    long Acked,
    long FailedDeliveries,
    long Processed,
    long Pending,
    long Commits,
    long CommitFailures,
    IReadOnlyList<string> Members,
    int Chaos) : DemoEvent("soak_progress")
{
    public override string? ToText() =>
        $"[{Phase} {ElapsedS:0} s] sent {Sent:N0}, acknowledged {Acked:N0}, failed {FailedDeliveries:N0}, processed {Processed:N0} " +
        $"({Pending:N0} acknowledged not yet), commits {Commits:N0} ({CommitFailures:N0} refused), {Members.Count} members, {Chaos} chaos actions";
}

/// <summary>
/// Live progress of the soak on stderr. With stderr a terminal and stdout redirected (the records go
/// to a file), a Spectre.Console panel redrawn twice a second, with the latest status lines under it;
/// the status lines are also kept and written out in order once the panel is gone, so none is lost.
/// Otherwise a progress line every 10 s (text) or a soak_progress event every 5 s (JSON).
/// </summary>
public sealed class SoakProgress
{
    private const int RecentLines = 6;

    private readonly DemoContext _ctx;
    private readonly Func<SoakProgressEvent> _now;
    private readonly ConcurrentQueue<DemoEvent> _held = new();
    private readonly ConcurrentQueue<string> _recent = new();
    private readonly bool _live;

    public SoakProgress(DemoContext ctx, Func<SoakProgressEvent> now)
    {
        _ctx = ctx;
        _now = now;
        _live = ctx.Format == OutputFormat.Text && !Console.IsErrorRedirected && Console.IsOutputRedirected;
        Sink = _live ? new HoldingSink(this) : ctx.Output;
    }

    /// <summary>The sink for everything the lab reports while the display runs.</summary>
    public IOutput Sink { get; }

    /// <summary>Shows progress until <paramref name="done"/> completes.</summary>
    public async Task RunAsync(Task done)
    {
        if (!_live)
        {
            var every = TimeSpan.FromSeconds(_ctx.Format == OutputFormat.Json ? 5 : 10);
            while (await Task.WhenAny(done, Task.Delay(every)) != done) _ctx.Output.Emit(_now());
            return;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        try
        {
            await console.Live(Render()).AutoClear(true).StartAsync(async display =>
            {
                while (await Task.WhenAny(done, Task.Delay(500)) != done) display.UpdateTarget(Render());
            });
        }
        finally
        {
            while (_held.TryDequeue(out var e)) _ctx.Output.Emit(e);
        }
        _ctx.Output.Emit(_now());
    }

    private Spectre.Console.Rendering.IRenderable Render()
    {
        var p = _now();
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("phase", $"{p.Phase}, {p.ElapsedS:0} s");
        grid.AddRow("records", $"sent {p.Sent:N0}, acknowledged {p.Acked:N0}, failed {p.FailedDeliveries:N0}");
        grid.AddRow("processed", $"{p.Processed:N0} distinct, {p.Pending:N0} acknowledged not yet processed");
        grid.AddRow("commits", $"{p.Commits:N0} ({p.CommitFailures:N0} refused)");
        grid.AddRow("members", Markup.Escape(string.Join(", ", p.Members)));
        grid.AddRow("chaos", $"{p.Chaos} actions");
        var recent = string.Join("\n", _recent.ToArray());
        return new Rows(new Panel(grid) { Header = new PanelHeader("demo lab soak") }, new Text(recent));
    }

    /// <summary>Data goes out at once (stdout is a file); status lines wait for the panel to go, and the latest show in it.</summary>
    private sealed class HoldingSink(SoakProgress progress) : IOutput
    {
        public void Emit(DemoEvent e)
        {
            if (e.IsData)
            {
                progress._ctx.Output.Emit(e);
                return;
            }
            progress._held.Enqueue(e);
            if (e.ToText() is string text)
            {
                progress._recent.Enqueue(text);
                while (progress._recent.Count > RecentLines) progress._recent.TryDequeue(out _);
            }
        }

        public void Flush() => progress._ctx.Output.Flush();
    }
}
