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
        string? text = e.ToText();
        if (text is null) return;
        lock (_lock)
        {
            if (e.IsPerMessage && !TakeLine())
            {
                _notShown++;
                return;
            }
            if (e is SummaryEvent && _notShown > 0)
            {
                _stderr.WriteLine($"({_notShown:N0} per-message lines not shown at this rate; --output json prints every event)");
                _notShown = 0;
            }
            (e.IsData ? _stdout : _stderr).WriteLine(text);
        }
    }

    private bool TakeLine()
    {
        long now = _clock.ElapsedMilliseconds;
        if (now - _windowStart >= 1000)
        {
            if (_notShown > 0 && _linesInWindow >= LinesPerSecond)
                _stderr.WriteLine($"... {_notShown:N0} more lines not shown so far (sampling at {LinesPerSecond}/s)");
            _windowStart = now;
            _linesInWindow = 0;
        }
        return _linesInWindow++ < LinesPerSecond;
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
