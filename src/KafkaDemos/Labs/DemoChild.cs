using System.Diagnostics;
using KafkaDemos.Core;
using KafkaDemos.Native;

namespace KafkaDemos.Labs;

/// <summary>
/// The one way this project starts `demo … -o json` as a child process: its stdout lines come back
/// as typed events (through <see cref="EventJson"/>), its last stderr lines are kept to say why it
/// failed, and it is stopped gracefully (SIGTERM, as Ctrl+C) and then, past a bound, killed.
/// </summary>
public sealed class DemoChild : IAsyncDisposable
{
    private const int StderrLines = 10;

    private readonly Process _process;
    private readonly Action<DemoEvent>? _onEvent;
    private readonly Action<string>? _onUnreadable;
    private readonly Action<string>? _onStdout;
    private readonly Action<string>? _onStderr;
    private readonly Queue<string> _stderr = new();
    private readonly TaskCompletionSource _stdoutDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _killed;

    /// <param name="start">As <see cref="DemoExecutable.StartInfo"/> builds it (streams redirected).</param>
    /// <param name="onEvent">Called for each event line, in order, on the reading thread.</param>
    /// <param name="onUnreadable">Called for a JSON line that does not fit its event type (with why).</param>
    /// <param name="stdin">Written to standard input, which is then closed; null closes it at once.</param>
    /// <param name="onStdout">Every stdout line as written (text mode, or a test of the wire form).</param>
    /// <param name="onStderr">Every stderr line as written.</param>
    public DemoChild(ProcessStartInfo start, Action<DemoEvent>? onEvent, Action<string>? onUnreadable = null, byte[]? stdin = null,
        Action<string>? onStdout = null, Action<string>? onStderr = null)
    {
        _onEvent = onEvent;
        _onUnreadable = onUnreadable;
        _onStdout = onStdout;
        _onStderr = onStderr;
        if (onEvent is not null) EventJson.Prepare();
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnStdout(e.Data);
        _process.ErrorDataReceived += (_, e) => OnStderr(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        if (start.RedirectStandardInput)
        {
            if (stdin is not null) _process.StandardInput.BaseStream.Write(stdin);
            _process.StandardInput.Close();
        }
        Exited = Task.WhenAll(_process.WaitForExitAsync(), _stdoutDone.Task, _stderrDone.Task);
    }

    /// <summary>A child of this same program: `demo ARGS`.</summary>
    public static DemoChild Start(IEnumerable<string> args, Action<DemoEvent>? onEvent, Action<string>? onUnreadable = null) =>
        new(DemoExecutable.StartInfo(args), onEvent, onUnreadable);

    public int ProcessId => _process.Id;

    /// <summary>Completes when the process has exited and every line it wrote has been read.</summary>
    public Task Exited { get; }

    public bool HasExited => Exited.IsCompleted;

    public int? ExitCode => Exited.IsCompleted ? _process.ExitCode : null;

    /// <summary>It was killed (by <see cref="Kill"/> or after the stop bound), not stopped.</summary>
    public bool Killed => _killed;

    /// <summary>Exited with 0 on its own or on SIGTERM, never killed.</summary>
    public bool ExitedCleanly => Exited.IsCompleted && IsCleanExit(_process.ExitCode, _killed);

    public static bool IsCleanExit(int exitCode, bool killed) => !killed && exitCode == ExitCodes.Success;

    /// <summary>The last lines of its stderr, to say why it failed.</summary>
    public string LastStderr
    {
        get { lock (_stderr) return string.Join(" | ", _stderr); }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the child to end; false if it is still running.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        await Task.WhenAny(Exited, Task.Delay(timeout));
        return Exited.IsCompleted;
    }

    /// <summary>
    /// Asks for a clean stop (SIGTERM on Unix, as Ctrl+C; Windows has no signal for a child without
    /// a console, so it is killed there) and kills it if it has not ended within <paramref name="bound"/>.
    /// Returns true when it stopped without being killed.
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan bound)
    {
        if (OperatingSystem.IsWindows() && !_process.HasExited) Kill();
        else Terminate();
        if (await WaitForExitAsync(bound)) return !_killed;
        Kill();
        await WaitForExitAsync(bound);
        return false;
    }

    /// <summary>SIGINT, exactly as Ctrl+C in a terminal sends it (Unix only; false where there is no such signal).</summary>
    public bool Interrupt()
    {
        if (OperatingSystem.IsWindows() || _process.HasExited) return false;
        PosixSignals.Kill(_process.Id, PosixSignals.SigInt);
        return true;
    }

    /// <summary>SIGTERM without waiting: a test or lab that awaits the exit itself.</summary>
    public bool Terminate()
    {
        if (OperatingSystem.IsWindows() || _process.HasExited) return false;
        PosixSignals.Kill(_process.Id, PosixSignals.SigTerm);
        return true;
    }

    /// <summary>kill -9: no clean stop (a lab's crash, or the end of a stop that took too long).</summary>
    public void Kill()
    {
        _killed = true;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>Working set of the process now, or null once it has exited.</summary>
    public long? WorkingSet()
    {
        try
        {
            if (_process.HasExited) return null;
            _process.Refresh();
            return _process.WorkingSet64;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private void OnStdout(string? line)
    {
        if (line is null)
        {
            _stdoutDone.TrySetResult();
            return;
        }
        _onStdout?.Invoke(line);
        if (!line.StartsWith('{') || (_onEvent is null && _onUnreadable is null)) return;
        if (EventJson.TryParse(line, out var e, out string? error)) _onEvent?.Invoke(e!);
        else _onUnreadable?.Invoke($"{error}: {line}");
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            _stderrDone.TrySetResult();
            return;
        }
        _onStderr?.Invoke(line);
        if (string.IsNullOrWhiteSpace(line)) return;
        lock (_stderr)
        {
            _stderr.Enqueue(line);
            if (_stderr.Count > StderrLines) _stderr.Dequeue();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Exited.IsCompleted) await StopAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
