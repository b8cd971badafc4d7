using System.Text;

namespace KafkaDemos.Core;

/// <summary>
/// Course-style lines: data on stdout, status on stderr, as kcat does, so `demo ... | grep`
/// sees every record and every delivery report. Nothing is ever sampled or left out.
/// It is also the one owner of the terminal's live region (a progress line, the benchmark's bars,
/// the soak's panel): the region is drawn on stderr below the status lines, and every status line
/// clears it first, under the same lock as the redraw, so the two never share a line.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The output lives as long as the process; Flush writes out what it holds.")]
public sealed class TextOutput : IOutput
{
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly Lock _lock = new();
    private readonly Timer? _flusher;
    private Func<string>? _live;
    private Timer? _liveTimer;
    private int _liveLines;

    public TextOutput(TextWriter stdout, TextWriter stderr)
    {
        _stderr = stderr;
        if (ReferenceEquals(stdout, Console.Out) && Console.IsOutputRedirected)
        {
            // Console.Out flushes every line: one write call per record, which at a million records
            // costs more than the client's work. Redirected data is buffered instead, and flushed
            // before every status line, at the end, and every 100 ms, so a pipe (| grep) still
            // sees each record within 0.1 s.
            _stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
            _flusher = new Timer(_ => Flush(), null, FlushEvery, FlushEvery);
        }
        else
        {
            _stdout = stdout;
        }
    }

    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// True when a live region can be drawn without touching the data: stderr is a terminal and
    /// stdout is not (the records go to a file or a pipe). Otherwise a live region would tear the
    /// records on the screen, and callers print plain status lines instead.
    /// </summary>
    public static bool CanShowLive => !Console.IsErrorRedirected && Console.IsOutputRedirected;

    /// <summary>
    /// Draws <paramref name="render"/>'s text (one or more lines) on stderr every <paramref name="every"/>
    /// until the returned handle is disposed, which clears it. One region at a time.
    /// </summary>
    public IDisposable ShowLive(Func<string> render, TimeSpan every)
    {
        lock (_lock)
        {
            if (_live is not null) throw new InvalidOperationException("a live region is already shown");
            _live = render;
            _liveTimer = new Timer(_ => DrawLive(), null, TimeSpan.Zero, every);
        }
        return new Handle(this);
    }

    private void DrawLive()
    {
        lock (_lock)
        {
            if (_live is null) return;
            ClearLiveLocked();
            string text = _live().TrimEnd('\n');
            _stderr.Write(text);
            _stderr.Flush();
            _liveLines = text.Count(c => c == '\n') + 1;
        }
    }

    /// <summary>Moves to the start of the region and erases it: the cursor stays on its first line.</summary>
    private void ClearLiveLocked()
    {
        if (_liveLines == 0) return;
        var erase = new StringBuilder("\r\u001b[K");
        for (int i = 1; i < _liveLines; i++) erase.Append("\u001b[1A\u001b[K");
        _stderr.Write(erase.ToString());
        _liveLines = 0;
    }

    private void StopLive()
    {
        Timer? timer;
        lock (_lock)
        {
            timer = _liveTimer;
            _live = null;
            _liveTimer = null;
            ClearLiveLocked();
            _stderr.Flush();
        }
        timer?.Dispose();
    }

    public void Emit(DemoEvent e)
    {
        string? text = e.ToText();
        if (text is null) return;
        lock (_lock)
        {
            if (e.IsData)
            {
                _stdout.WriteLine(text);
                if (!e.IsPerMessage && _flusher is not null) _stdout.Flush();
                return;
            }
            if (_flusher is not null) _stdout.Flush();
            // A status line goes above the live region: erase the region, write, and let the next tick redraw it.
            ClearLiveLocked();
            _stderr.WriteLine(text);
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            _stdout.Flush();
            _stderr.Flush();
        }
    }

    private sealed class Handle(TextOutput output) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) output.StopLive();
        }
    }
}
