using System.Diagnostics;

namespace KafkaDemos.Cli.Output;

/// <summary>
/// Course-style lines: data on stdout, status on stderr. At high message rates it prints a
/// sample of the per-message lines (the first ones each second) and counts the rest, so
/// output never throttles the client; --output json keeps every event.
/// </summary>
public sealed class TextEventSink : IEventSink
{
    /// <summary>Per-message lines printed per second before sampling starts.</summary>
    public const int LinesPerSecond = 50;

    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly Lock _lock = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _windowStart;
    private int _linesInWindow;
    private long _notShown;

    public TextEventSink(TextWriter stdout, TextWriter stderr)
    {
        _stdout = stdout;
        _stderr = stderr;
    }

    /// <summary>How many per-message lines sampling left out so far.</summary>
    public long NotShown => Interlocked.Read(ref _notShown);

    public void Emit(DemoEvent e)
    {
        // At high rates almost every per-message line is left out: decide that before rendering
        // it, without the lock, so a sampled-out message costs a counter increment, not a string.
        if (e.IsPerMessage && SamplingWindowIsFull())
        {
            Interlocked.Increment(ref _notShown);
            return;
        }
        string? text = e.ToText();
        if (text is null) return;
        lock (_lock)
        {
            if (e.IsPerMessage && !TakeLine())
            {
                Interlocked.Increment(ref _notShown);
                return;
            }
            if (e is SummaryEvent && NotShown > 0)
                _stderr.WriteLine($"({Interlocked.Exchange(ref _notShown, 0):N0} per-message lines not shown at this rate; --output json prints every event)");
            (e.IsData ? _stdout : _stderr).WriteLine(text);
        }
    }

    /// <summary>True while this second's lines are all printed; the next second (checked under the lock) opens a new window.</summary>
    private bool SamplingWindowIsFull() =>
        Volatile.Read(ref _linesInWindow) >= LinesPerSecond && _clock.ElapsedMilliseconds - Volatile.Read(ref _windowStart) < 1000;

    private bool TakeLine()
    {
        long now = _clock.ElapsedMilliseconds;
        if (now - _windowStart >= 1000)
        {
            if (NotShown > 0 && _linesInWindow >= LinesPerSecond)
                _stderr.WriteLine($"... {NotShown:N0} more lines not shown so far (sampling at {LinesPerSecond}/s)");
            Volatile.Write(ref _windowStart, now);
            Volatile.Write(ref _linesInWindow, 0);
        }
        if (_linesInWindow >= LinesPerSecond) return false;
        Volatile.Write(ref _linesInWindow, _linesInWindow + 1);
        return true;
    }

    public void Flush()
    {
        lock (_lock)
        {
            _stdout.Flush();
            _stderr.Flush();
        }
    }
}
