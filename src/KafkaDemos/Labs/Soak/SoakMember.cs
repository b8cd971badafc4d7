using System.Diagnostics;
using System.Text.Json;
using KafkaDemos.Core;
using KafkaDemos.Native;

namespace KafkaDemos.Labs.Soak;

/// <summary>
/// One run of a soak member: a `demo consume -o json` child process. Its JSON lines go into the
/// lab's history (assignments, processed records, commits) and, as the consumer's own events
/// under the member's name, to the lab's output. The lab ends it with kill -9 or SIGTERM, and
/// notes which, so the final check knows why its partitions moved.
/// </summary>
public sealed class SoakMember : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly SoakHistory _history;
    private readonly Reporter _output;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopping;
    private volatile bool _killed;

    public SoakMember(string name, int id, IEnumerable<string> consumeArgs, SoakHistory history, Reporter output)
    {
        Name = name;
        Id = id;
        _history = history;
        _output = output;
        _process = new Process { StartInfo = DemoExecutable.StartInfo(consumeArgs), EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, _) => { };
        _process.Exited += (_, _) => _exited.TrySetResult();
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Finished = Task.WhenAll(_exited.Task, _outputDone.Task);
        Label = $"{name} (pid {_process.Id})";
        history.Started(id, Label);
    }

    public string Name { get; }

    /// <summary>Unique per process, across restarts of the same member name.</summary>
    public int Id { get; }

    public string Label { get; }

    public int ProcessId => _process.Id;

    /// <summary>Completes when the process has exited and its last lines are read.</summary>
    public Task Finished { get; }

    /// <summary>The process ended without the lab asking.</summary>
    public bool ExitedOnItsOwn => _exited.Task.IsCompleted && !_stopping && !_killed;

    public int? ExitCode => _exited.Task.IsCompleted ? _process.ExitCode : null;

    /// <summary>kill -9: no commit, no Close(); the group notices after session.timeout.ms.</summary>
    public async Task KillAsync()
    {
        _killed = true;
        _history.Ended(Id, OwnershipEnd.Killed);
        try
        {
            _process.Kill(entireProcessTree: false);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        await Finished.WaitAsync(StopTimeout);
    }

    /// <summary>SIGTERM, as Ctrl+C: the member commits per its strategy and leaves; killed if it takes longer than the bound.</summary>
    public async Task StopAsync()
    {
        _stopping = true;
        if (!_process.HasExited) PosixSignals.Kill(_process.Id, PosixSignals.SigTerm);
        if (await Task.WhenAny(Finished, Task.Delay(StopTimeout)) != Finished)
        {
            _output.Emit(new ErrorEvent($"{Label} did not stop within {StopTimeout.TotalSeconds:0} s of SIGTERM; killed"));
            await KillAsync();
            return;
        }
        _history.Ended(Id, OwnershipEnd.Stopped);
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            // End of output: the process is gone. Whatever it still owned ends here.
            if (!_stopping && !_killed) _history.Ended(Id, OwnershipEnd.Exited);
            _outputDone.TrySetResult();
            return;
        }
        if (!line.StartsWith('{')) return;
        try
        {
            using var document = JsonDocument.Parse(line);
            Record(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            _output.Emit(new WarningEvent($"{Label} wrote a line the lab cannot read ({e.Message}): {line}"));
        }
    }

    private void Record(JsonElement json)
    {
        string name = json.GetProperty("event").GetString() ?? "";
        switch (name)
        {
            case "consumed":
                int partition = json.GetProperty("partition").GetInt32();
                long offset = json.GetProperty("offset").GetInt64();
                string? value = json.GetProperty("value").GetString();
                DateTime? produced = json.TryGetProperty("timestamp", out var t) && t.ValueKind == JsonValueKind.String ? t.GetDateTime().ToUniversalTime() : null;
                if (SequenceCheck.NumberOf(value) is long number) _history.Processed(Id, partition, offset, number, produced);
                _output.Emit(new ConsumedEvent(json.GetProperty("topic").GetString() ?? "", partition, offset,
                    json.TryGetProperty("key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null, value, produced) { Member = Name });
                break;
            case "committed":
                foreach (var o in json.GetProperty("offsets").EnumerateArray())
                    _history.Committed(Id, o.GetProperty("partition").GetInt32(), o.GetProperty("offset").GetInt64());
                break;
            case "commit_failed":
                var offsets = json.GetProperty("offsets").EnumerateArray().Select(o => o.GetProperty("partition").GetInt32()).ToList();
                _history.CommitRefused(Id, offsets);
                _output.Emit(new CommitFailedEvent(json.GetProperty("how").GetString() ?? "", json.GetProperty("error").GetString() ?? "", []) { Member = Name });
                break;
            case "assigned":
                _history.Assigned(Id, Partitions(json));
                _output.Emit(new AssignedEvent(PartitionNames(json)) { Member = Name });
                break;
            case "revoked":
                // A revoke while stopping is the member's Close(): it committed first, per its strategy.
                _history.Released(Id, Partitions(json), _stopping ? OwnershipEnd.Stopped : OwnershipEnd.Revoked);
                _output.Emit(new RevokedEvent(PartitionNames(json)) { Member = Name });
                break;
            case "lost":
                _history.Released(Id, Partitions(json), OwnershipEnd.Lost);
                _output.Emit(new LostEvent(PartitionNames(json)) { Member = Name });
                break;
            case "error":
                _output.Emit(new WarningEvent($"[{Name}] {json.GetProperty("message").GetString()}"));
                break;
        }
    }

    private static IReadOnlyList<string> PartitionNames(JsonElement json) =>
        json.GetProperty("partitions").EnumerateArray().Select(p => p.GetString() ?? "").ToList();

    /// <summary>"lab.soak.1a2b3c4d-3" is partition 3.</summary>
    private static IEnumerable<int> Partitions(JsonElement json) =>
        PartitionNames(json).Select(p => int.Parse(p[(p.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await StopAsync();
        _process.Dispose();
    }
}
