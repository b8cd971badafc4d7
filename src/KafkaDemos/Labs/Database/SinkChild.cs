using System.Diagnostics;
using KafkaDemos.Core;

namespace KafkaDemos.Labs.Database;

/// <summary>A `demo sink -o json` child process of the database lab, watched through its events.</summary>
internal sealed class SinkChild : IAsyncDisposable
{
    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(10);

    private readonly DemoChild _child;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan? _lastCommit;
    private bool _rowSinceCommit;
    private TimeSpan _rowAt;
    private string _lastError = "";

    private SinkChild(IEnumerable<string> args)
    {
        _child = DemoChild.Start(args, OnEvent);
        // Wake a waiter when the child ends, so it says so instead of waiting out its bound.
        _child.Exited.ContinueWith(_ => _changed.Release(), TaskScheduler.Default);
    }

    public static SinkChild Start(IEnumerable<string> args) => new(args);

    public int ProcessId => _child.ProcessId;

    public bool Assigned { get; private set; }

    public int Rows { get; private set; }

    public string LastError
    {
        get
        {
            lock (_lock)
            {
                string error = _lastError.Length > 0 ? _lastError : _child.LastStderr;
                return error.Length == 0 ? "" : $"; {error}";
            }
        }
    }

    /// <summary>The last row came after the last background commit, and within <paramref name="window"/> of it.</summary>
    public bool RowSinceRecentCommit(TimeSpan window)
    {
        lock (_lock) return _lastCommit is TimeSpan commit && _rowSinceCommit && _rowAt - commit < window;
    }

    private void OnEvent(DemoEvent e)
    {
        lock (_lock)
        {
            switch (e)
            {
                case AssignedEvent a when a.Partitions.Count > 0:
                    Assigned = true;
                    break;
                case RowAddedEvent:
                    Rows++;
                    _rowAt = _clock.Elapsed;
                    _rowSinceCommit = _lastCommit is not null;
                    break;
                case CommittedEvent:
                    _lastCommit = _clock.Elapsed;
                    _rowSinceCommit = false;
                    break;
                case ErrorEvent x:
                    _lastError = x.Message;
                    break;
                default:
                    return;
            }
        }
        _changed.Release();
    }

    /// <summary>Waits until <paramref name="condition"/> holds, re-checked on every event the child prints.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            lock (_lock)
                if (condition()) return;
            if (_child.HasExited) throw new DemoException($"waiting until {what}: the sink exited with {_child.ExitCode}{LastError}", ExitCodes.Failed);
            var left = timeout - deadline.Elapsed;
            if (left <= TimeSpan.Zero || !await _changed.WaitAsync(left))
                throw new DemoException($"waiting until {what}: not within {timeout.TotalSeconds:0} s", ExitCodes.Failed);
        }
    }

    /// <summary>SIGKILL: the process ends at once, no commit, no Close(). False if it had already ended on its own.</summary>
    public async Task<bool> KillAsync()
    {
        bool running = !_child.HasExited;
        if (running) _child.Kill();
        await _child.WaitForExitAsync(KillTimeout);
        return running;
    }

    /// <summary>The exit code once it ended (and its last lines are read), or null if still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout) => await _child.WaitForExitAsync(timeout) ? _child.ExitCode : null;

    public async ValueTask DisposeAsync()
    {
        await _child.DisposeAsync();
        _changed.Dispose();
    }
}
