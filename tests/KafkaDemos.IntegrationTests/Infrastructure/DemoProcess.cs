using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>The built `demo` executable run as a child process, the way a learner runs it.</summary>
public sealed class DemoProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<JsonElement> _events = [];
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _eventArrived = new(0);

    private DemoProcess(Process process) => _process = process;

    /// <summary>demo.dll sits next to the test assembly (project reference).</summary>
    public static string DemoDll => Path.Combine(AppContext.BaseDirectory, "demo.dll");

    public static DemoProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = StartInfo(args, environment, workingDirectory);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var demo = new DemoProcess(process);
        process.OutputDataReceived += (_, e) => demo.OnStdout(e.Data);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (demo._lock) demo._stderr.AppendLine(e.Data); };
        process.Exited += (_, _) => demo._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return demo;
    }

    /// <summary>How to start `dotnet demo.dll ARGS` with redirected streams and only the test's own broker settings.</summary>
    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(DemoDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        // Tests state their broker explicitly; a developer's own variables must not leak in.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("KAFKA_", StringComparison.Ordinal) || k.StartsWith("KAFKADEMOS_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;
        return info;
    }

    /// <summary>Runs to completion within <paramref name="timeout"/> (killed and failed otherwise).</summary>
    public static async Task<DemoResult> RunAsync(IEnumerable<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string?>? environment = null, string? stdin = null, string? workingDirectory = null)
    {
        await using var demo = Start(args, environment, workingDirectory);
        if (stdin is not null) await demo._process.StandardInput.WriteAsync(stdin);
        demo._process.StandardInput.Close();
        var started = Stopwatch.StartNew();
        await demo.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return demo.Result(started.Elapsed);
    }

    /// <summary>Like <see cref="RunAsync"/>, with standard input given as raw bytes (for input that is not valid text).</summary>
    public static async Task<DemoResult> RunWithInputBytesAsync(IEnumerable<string> args, byte[] stdin, TimeSpan? timeout = null)
    {
        await using var demo = Start(args);
        await demo._process.StandardInput.BaseStream.WriteAsync(stdin);
        demo._process.StandardInput.Close();
        var started = Stopwatch.StartNew();
        await demo.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return demo.Result(started.Elapsed);
    }

    private void OnStdout(string? line)
    {
        if (line is null) return;
        lock (_lock)
        {
            _stdout.AppendLine(line);
            if (line.StartsWith('{'))
            {
                try { _events.Add(JsonDocument.Parse(line).RootElement.Clone()); }
                catch (JsonException) { }
            }
        }
        _eventArrived.Release();
    }

    public IReadOnlyList<JsonElement> Events
    {
        get { lock (_lock) return _events.ToList(); }
    }

    public string Stdout { get { lock (_lock) return _stdout.ToString(); } }

    public string Stderr { get { lock (_lock) return _stderr.ToString(); } }

    /// <summary>Waits for the first JSON event matching <paramref name="match"/>.</summary>
    public async Task<JsonElement> WaitForEventAsync(Func<JsonElement, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var found = Events.FirstOrDefault(match);
            if (found.ValueKind != JsonValueKind.Undefined) return found;
            if (_exited.Task.IsCompleted)
                throw new InvalidOperationException($"demo exited ({_process.ExitCode}) before the awaited event.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            try { await _eventArrived.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token); }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No matching event within {timeout}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            }
        }
    }

    public Task<JsonElement> WaitForEventAsync(string name, TimeSpan timeout) =>
        WaitForEventAsync(e => e.TryGetProperty("event", out var n) && n.GetString() == name, timeout);

    /// <summary>Sends SIGTERM (what Ctrl+C does to the foreground demo: cancel and stop cleanly).</summary>
    public void Terminate()
    {
        if (!_process.HasExited) _ = Signal(_process.Id, 15);
    }

    /// <summary>Sends SIGINT, exactly as Ctrl+C in a terminal does.</summary>
    public void Interrupt()
    {
        if (!_process.HasExited) _ = Signal(_process.Id, 2);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Signal(int pid, int signal);

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        if (await Task.WhenAny(_exited.Task, Task.Delay(timeout)) != _exited.Task)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"demo did not exit within {timeout}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
        _process.WaitForExit();
    }

    public DemoResult Result(TimeSpan elapsed) => new(_process.ExitCode, Stdout, Stderr, Events, elapsed);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _exited.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _process.Dispose();
    }
}

public sealed record DemoResult(int ExitCode, string Stdout, string Stderr, IReadOnlyList<JsonElement> Events, TimeSpan Elapsed)
{
    public IEnumerable<JsonElement> OfEvent(string name) =>
        Events.Where(e => e.TryGetProperty("event", out var n) && n.GetString() == name);

    public JsonElement Summary => OfEvent("summary").Last();

    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
