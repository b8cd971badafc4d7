using System.Text;

namespace KafkaDemos.Core;

/// <summary>
/// Course-style lines: data on stdout, status on stderr, as kcat does, so `demo ... | grep`
/// sees every record and every delivery report. Nothing is ever sampled or left out.
/// It is also the one owner of the terminal's live region (a progress line, the benchmark's bars,
/// the soak's panel, the group watch's picture): the region is drawn below everything else, and
/// every line bound for the terminal clears it first, under the same lock as the redraw, so the
/// two never share a line; the next redraw puts the region back under the new line.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The output lives as long as the process; Flush writes out what it holds.")]
public sealed class TextOutput : IOutput
{
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly Lock _lock = new();
    private readonly Timer? _flusher;
    private readonly bool _stdoutIsTerminal;
    private readonly StdoutPipe _pipe = new();
    private Func<string>? _live;
    private TextWriter? _liveWriter;
    private Timer? _liveTimer;
    private int _liveLines;
    private bool _keepLast;

    /// <summary>The command's text output, once it has one: notices from outside the command (Ctrl+C) go through it.</summary>
    private static TextOutput? _current;

    public TextOutput(TextWriter stdout, TextWriter stderr)
    {
        _current = this;
        _stderr = stderr;
        _stdoutIsTerminal = ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected;
        if (ReferenceEquals(stdout, Console.Out) && Console.IsOutputRedirected)
        {
            // Console.Out flushes every line: one write call per record, which at a million records
            // costs more than the client's work. Redirected data is buffered instead, and flushed
            // before every status line, at the end, and every 100 ms, so a pipe (| grep) still
            // sees each record within 0.1 s.
            // A pipe's writes fail once its reader has gone (StdoutPipe): the run learns it through Closed.
            _stdout = new StreamWriter(StdoutPipe.Open(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
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
    /// Draws <paramref name="render"/>'s text (one or more lines) every <paramref name="every"/> until
    /// the returned handle is disposed, which clears it (or, with <paramref name="keepLast"/>, leaves
    /// the last picture on the screen). On stderr, or on stdout when the region is the data itself
    /// (the group watch's picture on a terminal). One region at a time.
    /// </summary>
    public IDisposable ShowLive(Func<string> render, TimeSpan every, bool onStdout = false, bool keepLast = false)
    {
        lock (_lock)
        {
            if (_live is not null) throw new InvalidOperationException("a live region is already shown");
            _live = render;
            _liveWriter = onStdout ? _stdout : _stderr;
            _keepLast = keepLast;
            _liveTimer = new Timer(_ => DrawLive(), null, TimeSpan.Zero, every);
        }
        return new Handle(this);
    }

    private void DrawLive()
    {
        lock (_lock) DrawLiveLocked();
    }

    private void DrawLiveLocked()
    {
        if (_live is null) return;
        ClearLiveLocked();
        string text = _live().TrimEnd('\n');
        _liveWriter!.Write(text);
        _liveWriter.Flush();
        _liveLines = ScreenLines(text);
    }

    /// <summary>The terminal rows <paramref name="text"/> takes: a line wider than the window wraps onto more.</summary>
    private static int ScreenLines(string text)
    {
        int width;
        try { width = Console.WindowWidth; }
        catch (IOException) { width = 0; }
        return text.Split('\n').Sum(line => width <= 0 ? 1 : Math.Max(1, (line.TrimEnd('\r').Length + width - 1) / width));
    }

    /// <summary>Moves to the start of the region and erases it: the cursor stays on its first line.</summary>
    private void ClearLiveLocked()
    {
        if (_liveLines == 0 || _liveWriter is null) return;
        var erase = new StringBuilder("\r\u001b[K");
        for (int i = 1; i < _liveLines; i++) erase.Append("\u001b[1A\u001b[K");
        _liveWriter.Write(erase.ToString());
        _liveLines = 0;
    }

    private void StopLive()
    {
        Timer? timer;
        lock (_lock)
        {
            timer = _liveTimer;
            _liveTimer = null;
            if (_keepLast && _live is not null)
            {
                DrawLiveLocked();
                _liveWriter!.WriteLine();
                _liveLines = 0;
            }
            _live = null;
            ClearLiveLocked();
            _liveWriter?.Flush();
            _liveWriter = null;
        }
        timer?.Dispose();
    }

    /// <summary>
    /// A status line from outside the event stream (the Ctrl+C handler): through the command's text
    /// output when there is one, so it clears the live region like every other status line.
    /// </summary>
    public static void Notice(string line)
    {
        var current = Volatile.Read(ref _current);
        if (current is null)
        {
            Console.Error.WriteLine(line);
            return;
        }
        lock (current._lock)
        {
            current.ClearLiveLocked();
            current._stderr.WriteLine(line);
            current._stderr.Flush();
        }
    }

    public void Emit(DemoEvent e)
    {
        string? text = e.ToText();
        if (text is null) return;
        lock (_lock)
        {
            if (e.IsData)
            {
                if (_stdoutIsTerminal) ClearLiveLocked();
                WriteData(text, flush: !e.IsPerMessage && _flusher is not null);
                return;
            }
            if (_flusher is not null) FlushDataLocked();
            // A status line goes above the live region: erase the region, write, and let the next tick redraw it.
            ClearLiveLocked();
            _stderr.WriteLine(text);
        }
    }

    public CancellationToken Closed => _pipe.Token;

    /// <summary>A data line; once stdout's reader has gone, nothing more is written to it.</summary>
    private void WriteData(string text, bool flush)
    {
        if (_pipe.IsClosed) return;
        try
        {
            _stdout.WriteLine(text);
            if (flush) _stdout.Flush();
        }
        catch (IOException failed)
        {
            _pipe.Trip(failed);
        }
    }

    private void FlushDataLocked()
    {
        if (_pipe.IsClosed) return;
        try
        {
            _stdout.Flush();
        }
        catch (IOException failed)
        {
            _pipe.Trip(failed);
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            FlushDataLocked();
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
