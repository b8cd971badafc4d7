using KafkaDemos.Cli;

namespace KafkaDemos.Producers;

/// <summary>
/// A live "sent / delivered / failed, msg/s" line for runs whose per-message lines are not on the
/// screen (demo produce -n 1000000 > out.txt), drawn from the run's tally by the output's live
/// region, so status lines never share its line.
/// </summary>
public static class ProgressLine
{
    public static IDisposable? StartIfUseful(DemoContext ctx)
    {
        var tally = ctx.Output.Tally;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        return ctx.ShowLive(() =>
        {
            long delivered = tally.Delivered;
            double rate = delivered / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
            return $"  sent {tally.Sent + delivered:N0}, delivered {delivered:N0}, failed {tally.Failed:N0}, {rate:N0} msg/s ";
        }, TimeSpan.FromMilliseconds(250));
    }
}
