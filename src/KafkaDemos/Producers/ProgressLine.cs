using KafkaDemos.Cli;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// A live "sent / delivered / failed, msg/s" line for runs whose per-message lines are not on the
/// screen (demo produce -n 1000000 > out.txt), drawn from the run's tally by the output's live
/// region, so status lines never share its line. At full speed the local queue fills every few
/// milliseconds: while the line is shown, those notices are counted in it rather than printed one
/// by one, so they do not bury it (the summary still gives their total).
/// </summary>
public sealed class ProgressLine : IDisposable
{
    private readonly IDisposable _live;
    private long _queueFull;

    private ProgressLine(DemoContext ctx)
    {
        var tally = ctx.Output.Tally;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Reporter = ctx.Output.ShowingOnly(e => e is not QueueFullEvent).With(new EventObserver(e =>
        {
            if (e is QueueFullEvent) Interlocked.Increment(ref _queueFull);
        }));
        _live = ctx.ShowLive(() =>
        {
            long delivered = tally.Delivered;
            double rate = delivered / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            long waits = Interlocked.Read(ref _queueFull);
            return $"  sent {tally.Sent + delivered:N0}, delivered {delivered:N0}, failed {tally.Failed:N0}, {rate:N0} msg/s" +
                   (waits > 0 ? $", local queue full {waits:N0} times " : " ");
        }, TimeSpan.FromMilliseconds(250))!;
    }

    /// <summary>Where the run reports while the line is shown.</summary>
    public Reporter Reporter { get; }

    /// <summary>The line, where one can be shown (text output, stderr a terminal, stdout redirected); else null.</summary>
    public static ProgressLine? StartIfUseful(DemoContext ctx) => ctx.CanShowLive() ? new ProgressLine(ctx) : null;

    public void Dispose() => _live.Dispose();
}
