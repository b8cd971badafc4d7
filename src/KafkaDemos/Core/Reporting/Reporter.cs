namespace KafkaDemos.Core;

/// <summary>
/// Where a run reports what happened. Every event goes to the observers (the tour, a lab, the
/// benchmark, the group's web view) as a typed fact, and to the command's output when it is
/// <see cref="Shown"/>. Observing is not printing: nobody learns what happened by wrapping or
/// reading the output, and what is printed cannot change what an observer concludes.
/// Thread-safe: client callbacks report from librdkafka's threads.
/// </summary>
public sealed class Reporter
{
    private readonly IOutput? _output;
    private readonly Shown _shown;
    private readonly int _perMessageLimit;
    private readonly IObserver<DemoEvent>[] _observers;
    private Func<DemoEvent, bool>? _only;
    private int _perMessageShown;
    private int _perMessageHidden;
    private long _clientNoticesHidden;

    /// <param name="output">The command's output; null prints nothing.</param>
    /// <param name="perMessageLimit">Show the first this many per-message lines, then before each status line one line saying how many more there were (text mode's readable excerpt; JSON shows all).</param>
    public Reporter(IOutput? output, Shown shown = Shown.All, int perMessageLimit = int.MaxValue, params IObserver<DemoEvent>[] observers)
    {
        _output = shown == Shown.Nothing ? null : output;
        _shown = shown;
        _perMessageLimit = perMessageLimit;
        _observers = observers;
    }

    /// <summary>Prints nothing; the observers still learn every fact.</summary>
    public static Reporter Silent(params IObserver<DemoEvent>[] observers) => new(null, Shown.Nothing, int.MaxValue, observers);

    /// <summary>The same output and policy with more observers; the tally is shared.</summary>
    public Reporter With(params IObserver<DemoEvent>[] observers) =>
        new(_output, _shown, _perMessageLimit, [.. _observers, .. observers]) { Tally = Tally, Latencies = Latencies, _only = _only };

    /// <summary>The same observers and tally, with another output policy.</summary>
    public Reporter Showing(Shown shown, int perMessageLimit = int.MaxValue) =>
        new(_output, shown, perMessageLimit, _observers) { Tally = Tally, Latencies = Latencies };

    /// <summary>The client's warnings and errors that <see cref="Shown.AllButClientNotices"/> left out.</summary>
    public long ClientNoticesHidden => Interlocked.Read(ref _clientNoticesHidden);

    /// <summary>The same observers, tally and policy, printing only the events <paramref name="only"/> accepts (a lab that shows who owns what, not every record).</summary>
    public Reporter ShowingOnly(Func<DemoEvent, bool> only) =>
        new(_output, _shown, _perMessageLimit, _observers) { Tally = Tally, Latencies = Latencies, _only = only };

    /// <summary>The same output, policy and observers with a tally of its own (and <paramref name="latencies"/>): one benchmark run's counts.</summary>
    public Reporter Counting(LatencyRecorder? latencies = null) =>
        new(_output, _shown, _perMessageLimit, _observers) { Latencies = latencies, _only = _only };

    /// <summary>Counts every run reporting here makes, whatever is printed.</summary>
    public Tally Tally { get; private init; } = new();

    /// <summary>Where producers record each delivery's latency; null when nobody asked (only the benchmark does).</summary>
    public LatencyRecorder? Latencies { get; init; }

    /// <summary>
    /// True when a per-message event would reach anyone. The runs build no event per message
    /// otherwise: a benchmark's million records cost no allocation, only the tally's counts.
    /// </summary>
    public bool WantsPerMessage => _observers.Length > 0 || (_output is not null && _shown is Shown.All or Shown.AllButClientNotices);

    public void Emit(DemoEvent e)
    {
        foreach (var observer in _observers) observer.OnNext(e);
        if (_output is null) return;
        if (_shown == Shown.Problems && e is not (WarningEvent or ErrorEvent)) return;
        if (_only is not null && !_only(e)) return;
        if (_shown == Shown.AllButClientNotices && e is WarningEvent { FromClient: true } or ErrorEvent { FromClient: true, Fatal: false })
        {
            Interlocked.Increment(ref _clientNoticesHidden);
            return;
        }
        if (e.IsPerMessage && _perMessageLimit != int.MaxValue)
        {
            // An excerpt shows the records; their processed events (no line of their own) are for observers.
            if (e is ProcessedEvent) return;
            if (Interlocked.Increment(ref _perMessageShown) > _perMessageLimit)
            {
                Interlocked.Increment(ref _perMessageHidden);
                return;
            }
        }
        else if (!e.IsPerMessage)
        {
            CloseExcerpt();
        }
        _output.Emit(e);
    }

    /// <summary>Says how many per-message lines were left out since the last status line, if any.</summary>
    public void CloseExcerpt()
    {
        int hidden = Interlocked.Exchange(ref _perMessageHidden, 0);
        if (hidden > 0) _output?.Emit(new InfoEvent($"  ... {hidden} more lines like these"));
    }

    public void Flush() => _output?.Flush();

    /// <summary>
    /// Cancelled once stdout's reader has gone (`| head`): a line emitted after that is not
    /// written, and the run stops as on Ctrl+C. Never cancelled when nothing prints.
    /// </summary>
    public CancellationToken OutputClosed => _output?.Closed ?? CancellationToken.None;

    /// <summary>
    /// Writes out everything emitted so far; true when it all reached the output (or there is
    /// none), false once stdout's reader has gone. A consumer calls it before each commit: what
    /// was emitted before a true answer was printed, and may be committed.
    /// </summary>
    public bool FlushOutput()
    {
        if (_output is null) return true;
        _output.Flush();
        return !_output.Closed.IsCancellationRequested;
    }
}
