using System.Diagnostics;

namespace KafkaDemos.Labs.Soak;

/// <summary>
/// Input for a producer demo that yields numbered lines ("soak_0", "soak_1", ...) at a steady
/// rate until a duration has passed or it is stopped. The producer's own interval pauses once per
/// message, which cannot go below a millisecond; this reader lets lines out in small bursts,
/// as many as are due, so thousands a second keep their average rate.
/// </summary>
public sealed class PacedLines(double perSecond, TimeSpan duration, CancellationToken stop) : TextReader
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(5);

    private readonly Stopwatch _clock = new();
    private long _next;

    /// <summary>Lines handed out so far.</summary>
    public long Count => Interlocked.Read(ref _next);

    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        if (!_clock.IsRunning) _clock.Start();
        while (true)
        {
            if (stop.IsCancellationRequested || cancellationToken.IsCancellationRequested || _clock.Elapsed >= duration) return null;
            var due = TimeSpan.FromSeconds(_next / perSecond);
            if (_clock.Elapsed >= due) break;
            try
            {
                await Task.Delay(Tick, stop);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
        return $"soak_{Interlocked.Increment(ref _next) - 1}";
    }
}
