using System.Diagnostics;
using System.Text;
using System.Text.Json;
using KafkaDemos.Labs;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>
/// The built `demo` executable run as a child process, the way a learner runs it, through the
/// project's one child-process class (<see cref="DemoChild"/>). Tests keep every line as written
/// and each JSON line as a JsonElement: they assert the wire form of the contract itself.
/// </summary>
public sealed class DemoProcess : IAsyncDisposable
{
    private readonly DemoChild _child;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly List<JsonElement> _events = [];
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _eventArrived = new(0);

    private DemoProcess(ProcessStartInfo start, byte[]? stdin) =>
        _child = new DemoChild(start, onEvent: null, stdin: stdin, onStdout: OnStdout, onStderr: OnStderr);

    /// <summary>demo.dll sits next to the test assembly (project reference).</summary>
    public static string DemoDll => Path.Combine(AppContext.BaseDirectory, "demo.dll");

    public static DemoProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null, byte[]? stdin = null) =>
        new(StartInfo(args, environment, workingDirectory), stdin);

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
    public static Task<DemoResult> RunAsync(IEnumerable<string> args, TimeSpan? timeout = null, IReadOnlyDictionary<string, string?>? environment = null, string? stdin = null, string? workingDirectory = null) =>
        RunToEndAsync(Start(args, environment, workingDirectory, stdin is null ? null : new UTF8Encoding(false).GetBytes(stdin)), timeout);

    /// <summary>Like <see cref="RunAsync"/>, with standard input given as raw bytes (for input that is not valid text).</summary>
    public static Task<DemoResult> RunWithInputBytesAsync(IEnumerable<string> args, byte[] stdin, TimeSpan? timeout = null) =>
        RunToEndAsync(Start(args, stdin: stdin), timeout);

    private static async Task<DemoResult> RunToEndAsync(DemoProcess started, TimeSpan? timeout)
    {
        await using var demo = started;
        var clock = Stopwatch.StartNew();
        await demo.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return demo.Result(clock.Elapsed);
    }

    private void OnStdout(string line)
    {
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

    private void OnStderr(string line)
    {
        lock (_lock) _stderr.AppendLine(line);
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
            if (_child.HasExited)
                throw new InvalidOperationException($"demo exited ({_child.ExitCode}) before the awaited event.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
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
    public void Terminate() => _child.Terminate();

    /// <summary>Sends SIGINT, exactly as Ctrl+C in a terminal does.</summary>
    public void Interrupt() => _child.Interrupt();

    /// <summary>kill -9: the process ends at once, its sockets closed by the system, nothing said.</summary>
    public void Kill() => _child.Kill();

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        if (!await _child.WaitForExitAsync(timeout))
        {
            _child.Kill();
            throw new TimeoutException($"demo did not exit within {timeout}.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }
    }

    public DemoResult Result(TimeSpan elapsed) => new(_child.ExitCode ?? -1, Stdout, Stderr, Events, elapsed);

    public async ValueTask DisposeAsync()
    {
        // A test that is done with a demo has its answer: no clean stop to wait for.
        if (!_child.HasExited) _child.Kill();
        await _child.DisposeAsync();
        _eventArrived.Dispose();
    }
}

public sealed record DemoResult(int ExitCode, string Stdout, string Stderr, IReadOnlyList<JsonElement> Events, TimeSpan Elapsed)
{
    public IEnumerable<JsonElement> OfEvent(string name) =>
        Events.Where(e => e.TryGetProperty("event", out var n) && n.GetString() == name);

    public JsonElement Summary => OfEvent("summary").Last();

    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:0.0} s\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
