using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.Native;

namespace KafkaDemos.Labs;

/// <summary>One consumer in a lab's group: started, watched through its events, stopped cleanly.</summary>
public interface IGroupMember : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Completes when the member has left the group (a clean stop commits and calls Close()).</summary>
    Task Completion { get; }

    /// <summary>Asks for a clean stop, as Ctrl+C does, and waits for it (bounded).</summary>
    Task StopAsync();

    /// <summary>True when the member stopped cleanly within its bound.</summary>
    bool StoppedCleanly { get; }
}

/// <summary>A consumer running in this process: the sync-commit consumer of `demo consume`, named by its member name.</summary>
public sealed class InProcessMember : IGroupMember
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<ConsumeOutcome> _run;

    public InProcessMember(string name, ConsumerConfig config, string topic, Reporter sink)
    {
        Name = name;
        var options = new ConsumeOptions { Topics = [topic], Member = name };
        _run = ConsumeCommand.Strategies[SyncCommitConsumer.Name](config, options, sink, _stop.Token);
    }

    public string Name { get; }

    public Task Completion => _run;

    /// <summary>As a child's exit code 0: it committed what it processed and left the group within its bound.</summary>
    public bool StoppedCleanly => _run.IsCompletedSuccessfully && _run.Result.Succeeded;

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted) await StopAsync();
        _stop.Dispose();
    }
}

/// <summary>
/// A consumer running as a child process: this same executable's `demo consume -o json`. Its JSON
/// lines are turned back into events under the member's name; SIGTERM stops it cleanly, like Ctrl+C.
/// </summary>
public sealed class ChildProcessMember : IGroupMember
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly Reporter _sink;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Queue<string> _lastMessages = new();
    private readonly Queue<string> _stderr = new();
    private bool _killed;

    public ChildProcessMember(string name, IEnumerable<string> consumeArgs, Reporter sink)
        : this(name, DemoExecutable.StartInfo(consumeArgs), sink)
    {
    }

    /// <summary>A member from an explicit command line: tests start the built executable this way.</summary>
    internal ChildProcessMember(string name, ProcessStartInfo start, Reporter sink)
    {
        Name = name;
        _sink = sink;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(_stderr, e.Data, StderrLines);
        _process.Exited += (_, _) => _exited.TrySetResult();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public Task Completion => _exited.Task;

    /// <summary>Lines of the child's stderr kept to say why it failed.</summary>
    private const int StderrLines = 10;

    /// <summary>Left within its bound, not killed, exit code 0. Exit 1 means something was lost or could not be done.</summary>
    public bool StoppedCleanly => _exited.Task.IsCompleted && IsCleanExit(_process.ExitCode, _killed);

    public static bool IsCleanExit(int exitCode, bool killed) => !killed && exitCode == ExitCodes.Success;

    public int? ExitCode => _exited.Task.IsCompleted ? _process.ExitCode : null;

    /// <summary>The child's last status messages and stderr lines, to say why it did not stop cleanly.</summary>
    public string LastMessages
    {
        get
        {
            string messages, stderr;
            lock (_lastMessages) messages = string.Join(" | ", _lastMessages);
            lock (_stderr) stderr = string.Join(" | ", _stderr);
            return stderr.Length == 0 ? messages : messages.Length == 0 ? $"stderr: {stderr}" : $"{messages} | stderr: {stderr}";
        }
    }

    public int ProcessId => _process.Id;

    public async Task StopAsync()
    {
        if (!_process.HasExited) PosixSignals.Kill(_process.Id, PosixSignals.SigTerm);
        if (await Task.WhenAny(_exited.Task, Task.Delay(StopTimeout)) != _exited.Task)
        {
            _killed = true;
            _sink.Emit(new ErrorEvent($"{Name} (pid {_process.Id}) did not stop within {StopTimeout.TotalSeconds:0} s of SIGTERM; killed"));
            _process.Kill(entireProcessTree: true);
            await _exited.Task.WaitAsync(StopTimeout);
        }
        // Its last lines may still be in the pipe: read them before the member counts as gone.
        await _process.WaitForExitAsync().WaitAsync(StopTimeout);
    }

    private static void Keep(Queue<string> lines, string? line, int most)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        lock (lines)
        {
            lines.Enqueue(line);
            if (lines.Count > most) lines.Dequeue();
        }
    }

    private void OnLine(string? line)
    {
        if (line is null || !line.StartsWith('{')) return;
        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(line);
            json = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return;
        }
        if (json.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            Keep(_lastMessages, message.GetString(), 3);
        var e = ToEvent(json);
        if (e is not null) _sink.Emit(e);
    }

    /// <summary>The child's JSON line as the event the in-process consumer would have emitted, under this member's name.</summary>
    private DemoEvent? ToEvent(JsonElement json)
    {
        string name = json.TryGetProperty("event", out var n) ? n.GetString() ?? "" : "";
        IReadOnlyList<string> Partitions() => json.TryGetProperty("partitions", out var p)
            ? p.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
            : [];
        string Text(string field) => json.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
        long Number(string field) => json.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : -1;
        return name switch
        {
            "assigned" => new AssignedEvent(Partitions()) { Member = Name },
            "revoked" => new RevokedEvent(Partitions()) { Member = Name },
            "lost" => new LostEvent(Partitions()) { Member = Name },
            "consumed" => new ConsumedEvent(Text("topic"), (int)Number("partition"), Number("offset"),
                json.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null, Text("value"), null) { Member = Name },
            "commit_failed" => new CommitFailedEvent(Text("how"), Text("error"), []) { Member = Name },
            "error" => new ErrorEvent($"[{Name}] {Text("message")}", Text("code")),
            _ => null,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await StopAsync();
        _process.Dispose();
    }
}

/// <summary>How to start this same program again as a child process (`demo ...` or `dotnet demo.dll ...`).</summary>
public static class DemoExecutable
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this program is unknown");
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // Run through the dotnet host (dotnet demo.dll), the program is the entry assembly.
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
            info.ArgumentList.Add(typeof(DemoExecutable).Assembly.Location);
        foreach (string arg in args) info.ArgumentList.Add(arg);
        return info;
    }
}
