using KafkaDemos.Cli;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// A live "sent / delivered / failed, msg/s" line on stderr, redrawn in place, for runs whose
/// per-message lines are not on the screen: shown only in text mode when stderr is a terminal
/// and stdout is redirected (demo produce -n 1000000 > out.txt). Every status line clears it first,
/// so it never mixes with them; data goes to stdout, never near it.
/// </summary>
public sealed class ProgressLine : IDisposable
{
    private readonly IOutput _inner;
    private readonly Timer _timer;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private long _sent;
    private long _delivered;
    private long _failed;
    private bool _drawn;

    private ProgressLine(IOutput inner)
    {
        _inner = inner;
        Sink = new CountingSink(this);
        _timer = new Timer(_ => Draw(), null, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(250));
    }

    /// <summary>The sink to give the demo: forwards every event and keeps the counts.</summary>
    public IOutput Sink { get; }

    public static ProgressLine? StartIfUseful(DemoContext ctx) =>
        ctx.Format == OutputFormat.Text && !Console.IsErrorRedirected && Console.IsOutputRedirected ? new ProgressLine(ctx.Output) : null;

    private void Draw()
    {
        lock (_lock)
        {
            double rate = Interlocked.Read(ref _delivered) / Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            Console.Error.Write($"\r  sent {Interlocked.Read(ref _sent):N0}, delivered {Interlocked.Read(ref _delivered):N0}, failed {Interlocked.Read(ref _failed):N0}, {rate:N0} msg/s ");
            _drawn = true;
        }
    }

    private void Clear()
    {
        lock (_lock) ClearLocked();
    }

    private void ClearLocked()
    {
        if (!_drawn) return;
        Console.Error.Write("\r\u001b[K");
        _drawn = false;
    }

    public void Dispose()
    {
        _timer.Dispose();
        Clear();
    }

    private sealed class CountingSink(ProgressLine line) : IOutput
    {
        public void Emit(DemoEvent e)
        {
            switch (e)
            {
                case SentEvent: Interlocked.Increment(ref line._sent); break;
                case DeliveredEvent: Interlocked.Increment(ref line._sent); Interlocked.Increment(ref line._delivered); break;
                case DeliveryFailedEvent: Interlocked.Increment(ref line._failed); break;
            }
            if (e.IsData)
            {
                // Data goes to stdout, which is redirected whenever this line is shown.
                line._inner.Emit(e);
                return;
            }
            // A status line shares stderr with the progress line: clear it and write under the
            // same lock the redraw takes, so the two never interleave.
            lock (line._lock)
            {
                line.ClearLocked();
                line._inner.Emit(e);
            }
        }

        public void Flush() => line._inner.Flush();
    }
}
