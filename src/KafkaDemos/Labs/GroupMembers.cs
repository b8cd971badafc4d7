using System.Diagnostics;
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

    /// <param name="statusTopic">
    /// Where it reports its assignment for `demo groups watch` (as `demo consume` does), or null for no reports.
    /// A reporting member connects with its name as client.id, as a lab's child processes do, so the watch tells the members apart.
    /// </param>
    public InProcessMember(string name, ConsumerConfig config, string topic, Reporter reporter, string? statusTopic = null)
    {
        Name = name;
        if (statusTopic is not null) config = new ConsumerConfig(config) { ClientId = name };
        var options = new ConsumeOptions { Topics = [topic], Member = name, StatusTopic = statusTopic };
        _run = ConsumeCommand.Strategies[SyncCommitConsumer.Name](config, options, reporter, _stop.Token);
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
/// A consumer running as a child process: this same executable's `demo consume -o json`. Its
/// events come back under the member's name; SIGTERM stops it cleanly, like Ctrl+C.
/// </summary>
public sealed class ChildProcessMember : IGroupMember
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly DemoChild _child;
    private readonly Reporter _reporter;
    private readonly Queue<string> _lastMessages = new();

    public ChildProcessMember(string name, IEnumerable<string> consumeArgs, Reporter reporter)
        : this(name, DemoExecutable.StartInfo(consumeArgs), reporter)
    {
    }

    /// <summary>A member from an explicit command line: tests start the built executable this way.</summary>
    internal ChildProcessMember(string name, ProcessStartInfo start, Reporter reporter)
    {
        Name = name;
        _reporter = reporter;
        _child = new DemoChild(start, OnEvent);
    }

    public string Name { get; }

    public Task Completion => _child.Exited;

    /// <summary>Left within its bound, not killed, exit code 0. Exit 1 means something was lost or could not be done.</summary>
    public bool StoppedCleanly => _child.ExitedCleanly;

    public int? ExitCode => _child.ExitCode;

    /// <summary>The child's last status messages and stderr lines, to say why it did not stop cleanly.</summary>
    public string LastMessages
    {
        get
        {
            string messages, stderr = _child.LastStderr;
            lock (_lastMessages) messages = string.Join(" | ", _lastMessages);
            return stderr.Length == 0 ? messages : messages.Length == 0 ? $"stderr: {stderr}" : $"{messages} | stderr: {stderr}";
        }
    }

    public int ProcessId => _child.ProcessId;

    public async Task StopAsync()
    {
        if (!await _child.StopAsync(StopTimeout))
            _reporter.Emit(new ErrorEvent($"{Name} (pid {_child.ProcessId}) did not stop within {StopTimeout.TotalSeconds:0} s of SIGTERM; killed"));
    }

    /// <summary>The child's event as the in-process consumer would have emitted it, under this member's name.</summary>
    private void OnEvent(DemoEvent e)
    {
        string? message = e switch { InfoEvent i => i.Message, WarningEvent w => w.Message, ErrorEvent x => x.Message, _ => null };
        if (message is not null)
            lock (_lastMessages)
            {
                _lastMessages.Enqueue(message);
                if (_lastMessages.Count > 3) _lastMessages.Dequeue();
            }
        DemoEvent? member = e switch
        {
            AssignedEvent or RevokedEvent or LostEvent or ConsumedEvent or CommitFailedEvent => ((ConsumerEvent)e) with { Member = Name },
            ErrorEvent x => new ErrorEvent($"[{Name}] {x.Message}", x.Code),
            _ => null,
        };
        if (member is not null) _reporter.Emit(member);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_child.HasExited) await StopAsync();
        await _child.DisposeAsync();
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
