using KafkaDemos.Cli;
using KafkaDemos.Core;
using Spectre.Console;

namespace KafkaDemos.Labs.Soak;

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
/// to a file), a panel redrawn twice a second by the output's live region, with status lines
/// printed above it as they come. Otherwise a progress line every 10 s (text) or a soak_progress
/// event every 5 s (JSON).
/// </summary>
public sealed class SoakProgress(DemoContext ctx, Func<SoakProgressEvent> now)
{
    /// <summary>Shows progress until <paramref name="done"/> completes.</summary>
    public async Task RunAsync(Task done)
    {
        using (var live = ctx.ShowLive(() => TableEvent.Render(Render()), TimeSpan.FromMilliseconds(500)))
        {
            if (live is null)
            {
                var every = TimeSpan.FromSeconds(ctx.Format == OutputFormat.Json ? 5 : 10);
                while (await Task.WhenAny(done, Task.Delay(every)) != done) ctx.Output.Emit(now());
                return;
            }
            await done;
        }
        ctx.Output.Emit(now());
    }

    private Panel Render()
    {
        var p = now();
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("phase", $"{p.Phase}, {p.ElapsedS:0} s");
        grid.AddRow("records", $"sent {p.Sent:N0}, acknowledged {p.Acked:N0}, failed {p.FailedDeliveries:N0}");
        grid.AddRow("processed", $"{p.Processed:N0} distinct, {p.Pending:N0} acknowledged not yet processed");
        grid.AddRow("commits", $"{p.Commits:N0} ({p.CommitFailures:N0} refused)");
        grid.AddRow("members", Markup.Escape(string.Join(", ", p.Members)));
        grid.AddRow("chaos", $"{p.Chaos} actions");
        return new Panel(grid) { Header = new PanelHeader("demo lab soak") };
    }
}
