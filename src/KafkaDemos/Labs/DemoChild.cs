using System.Diagnostics;
using KafkaDemos.Core;
using KafkaDemos.Native;

namespace KafkaDemos.Labs;

/// <summary>
/// The one way this project starts `demo … -o json` as a child process: its stdout lines come back
/// as typed events (through <see cref="EventJson"/>), its last stderr lines are kept to say why it
/// failed, and it is stopped gracefully (as Ctrl+C: SIGTERM on Unix, Ctrl+Break to its own process
/// group on Windows) and then, past a bound, killed.
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
    private readonly bool _ownGroup;
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
        _ownGroup = PrepareForGracefulStop(start, GracefulStopFor(OperatingSystem.IsWindows()));
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

    /// <summary>How a clean stop is asked for on this OS (both reach `demo` as Ctrl+C does).</summary>
    public static GracefulStop GracefulStopFor(bool windows) => windows ? GracefulStop.CtrlBreakToProcessGroup : GracefulStop.SigTerm;

    /// <summary>
    /// For <see cref="GracefulStop.CtrlBreakToProcessGroup"/> the child starts in a process group of
    /// its own, so that a Ctrl+Break sent to that group reaches the child (and its children) and not
    /// this process. True when it set that up; false for SIGTERM, which needs nothing.
    /// </summary>
    public static bool PrepareForGracefulStop(ProcessStartInfo start, GracefulStop stop)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (stop != GracefulStop.CtrlBreakToProcessGroup) return false;
        if (!OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Ctrl+Break to a process group is a Windows console signal");
        start.CreateNewProcessGroup = true;
        return true;
    }

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
    /// Asks for a clean stop (<see cref="Terminate"/>) and kills the child if it has not ended within
    /// <paramref name="bound"/>, or at once where the request cannot be sent (on Windows, when this
    /// process has no console to share with the child). Returns true when it stopped without being killed.
    /// </summary>
    public async Task<bool> StopAsync(TimeSpan bound)
    {
        if (!Terminate() && !_process.HasExited) Kill();
        if (await WaitForExitAsync(bound)) return !_killed;
        Kill();
        await WaitForExitAsync(bound);
        return false;
    }

    /// <summary>
    /// SIGINT, exactly as Ctrl+C in a terminal sends it; on Windows Ctrl+Break to the child's process
    /// group, which `demo` handles as Ctrl+C. False when it has exited or the request could not be sent.
    /// </summary>
    public bool Interrupt() => RequestStop(PosixSignals.SigInt);

    /// <summary>
    /// A clean stop without waiting, for a test or lab that awaits the exit itself: SIGTERM on Unix,
    /// Ctrl+Break to the child's process group on Windows. False when it has exited or the request could not be sent.
    /// </summary>
    public bool Terminate() => RequestStop(PosixSignals.SigTerm);

    private bool RequestStop(int unixSignal)
    {
        if (_process.HasExited) return false;
        if (OperatingSystem.IsWindows())
            // Only to a group of its own: group 0 would be every process on this console, this one too.
            return _ownGroup && WindowsConsole.SendCtrlBreak(_process.Id);
        PosixSignals.Kill(_process.Id, unixSignal);
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

/// <summary>The clean stop <see cref="DemoChild"/> asks for, per OS.</summary>
public enum GracefulStop
{
    /// <summary>Linux, macOS: SIGTERM to the child, which `demo` handles as Ctrl+C.</summary>
    SigTerm,

    /// <summary>Windows: Ctrl+Break to the child's own process group (.NET's SIGQUIT), which `demo` handles as Ctrl+C.</summary>
    CtrlBreakToProcessGroup,
}
