using KafkaDemos.Core;

namespace KafkaDemos.Labs.Soak;

/// <summary>
/// One run of a soak member: a `demo consume -o json` child process. Its events go into the
/// lab's history (assignments, processed records, commits) and, as the consumer's own events
/// under the member's name, to the lab's output. The lab ends it with kill -9 or SIGTERM, and
/// notes which, so the final check knows why its partitions moved.
/// </summary>
public sealed class SoakMember : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private readonly DemoChild _child;
    private readonly SoakHistory _history;
    private readonly Reporter _output;
    private volatile bool _stopping;
    private volatile bool _killed;

    public SoakMember(string name, int id, IEnumerable<string> consumeArgs, SoakHistory history, Reporter output)
    {
        Name = name;
        Id = id;
        _history = history;
        _output = output;
        _child = DemoChild.Start(consumeArgs, Record, why => _output.Emit(new WarningEvent($"{Label} wrote a line the lab cannot read ({why})")));
        Label = $"{name} (pid {_child.ProcessId})";
        history.Started(id, Label);
        Finished = _child.Exited.ContinueWith(_ => Gone(), TaskScheduler.Default);
    }

    public string Name { get; }

    /// <summary>Unique per process, across restarts of the same member name.</summary>
    public int Id { get; }

    public string Label { get; }

    public int ProcessId => _child.ProcessId;

    /// <summary>Completes when the process has exited and its last lines are read.</summary>
    public Task Finished { get; }

    /// <summary>The process ended without the lab asking.</summary>
    public bool ExitedOnItsOwn => _child.HasExited && !_stopping && !_killed;

    public int? ExitCode => _child.ExitCode;

    /// <summary>kill -9: no commit, no Close(); the group notices after session.timeout.ms.</summary>
    public async Task KillAsync()
    {
        _killed = true;
        _history.Ended(Id, OwnershipEnd.Killed);
        _child.Kill();
        await Finished.WaitAsync(StopTimeout);
    }

    /// <summary>SIGTERM, as Ctrl+C: the member commits per its strategy and leaves; killed if it takes longer than the bound.</summary>
    public async Task StopAsync()
    {
        _stopping = true;
        if (await _child.StopAsync(StopTimeout))
        {
            await Finished.WaitAsync(StopTimeout);
            _history.Ended(Id, OwnershipEnd.Stopped);
            return;
        }
        _output.Emit(new ErrorEvent($"{Label} did not stop within {StopTimeout.TotalSeconds:0} s of SIGTERM; killed"));
        await KillAsync();
    }

    /// <summary>End of output: the process is gone. Whatever it still owned ends here.</summary>
    private void Gone()
    {
        if (!_stopping && !_killed) _history.Ended(Id, OwnershipEnd.Exited);
    }

    private void Record(DemoEvent e)
    {
        switch (e)
        {
            case ConsumedEvent c:
                var produced = c.Timestamp?.ToUniversalTime();
                if (SequenceCheck.NumberOf(c.Value) is long number) _history.Processed(Id, c.Partition, c.Offset, number, produced);
                _output.Emit(c with { Timestamp = produced, Member = Name });
                break;
            case CommittedEvent committed:
                foreach (var o in committed.Offsets) _history.Committed(Id, o.Partition, o.Offset);
                break;
            case CommitFailedEvent failed:
                _history.CommitRefused(Id, failed.Offsets.Select(o => o.Partition).ToList());
                _output.Emit(failed with { Offsets = [], Member = Name });
                break;
            case AssignedEvent a:
                _history.Assigned(Id, a.Partitions.Select(p => p.Partition.Value));
                _output.Emit(a with { Member = Name });
                break;
            case RevokedEvent r:
                // A revoke while stopping is the member's Close(): it committed first, per its strategy.
                _history.Released(Id, r.Partitions.Select(p => p.Partition.Value), _stopping ? OwnershipEnd.Stopped : OwnershipEnd.Revoked);
                _output.Emit(r with { Member = Name });
                break;
            case LostEvent l:
                _history.Released(Id, l.Partitions.Select(p => p.Partition.Value), OwnershipEnd.Lost);
                _output.Emit(l with { Member = Name });
                break;
            case OffsetResetEvent reset:
                if (reset.From is long from) _history.OffsetReset(Id, reset.Partition, from);
                _output.Emit(reset with { Member = Name });
                break;
            case ErrorEvent x:
                _output.Emit(new WarningEvent($"[{Name}] {x.Message}"));
                break;
        }
    }

    /// <summary>Working set of the process now, or null once it has exited.</summary>
    public long? WorkingSet() => _child.WorkingSet();

    public async ValueTask DisposeAsync()
    {
        if (!_child.HasExited) await StopAsync();
        await _child.DisposeAsync();
    }
}
