using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Labs;

/// <summary>
/// `demo groups watch GROUP -o json` as a child process of a lab whose members are `demo consume`
/// processes, so the lab can check, step by step, that the watch shows as the owner of every
/// partition the member that printed it (members are told apart by their client.id, their name).
/// Its events, read back into their types, also go to an observer (the lab's live page).
/// </summary>
public sealed class LabGroupWatch : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly DemoChild _child;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly IObserver<DemoEvent>? _observer;
    private (DateTime Time, Dictionary<TopicPartition, string?> Owners)? _latest;

    /// <param name="args">`groups watch GROUP -o json ...`.</param>
    /// <param name="observer">Also gets every event the watch writes (group_state, rebalance, ...).</param>
    public LabGroupWatch(IEnumerable<string> args, IObserver<DemoEvent>? observer = null)
        : this(DemoExecutable.StartInfo(args), observer)
    {
    }

    /// <summary>A watch from an explicit command line: tests start the built executable this way.</summary>
    internal LabGroupWatch(ProcessStartInfo start, IObserver<DemoEvent>? observer = null)
    {
        _observer = observer;
        _child = new DemoChild(start, OnEvent);
    }

    /// <summary>
    /// Waits, up to <paramref name="timeout"/>, for a refresh made after this call whose owners are
    /// exactly <paramref name="printed"/> (member -> the partitions it printed; a partition nobody printed
    /// must show no owner); returns what the last refresh showed when none matched.
    /// </summary>
    public async Task<(bool Agrees, string Shown)> AgreesAsync(IReadOnlyDictionary<string, IReadOnlySet<TopicPartition>> printed, TimeSpan timeout)
    {
        var expected = printed.SelectMany(m => m.Value.Select(p => (Partition: p, Member: m.Key))).ToDictionary(x => x.Partition, x => (string?)x.Member);
        var since = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        string shown = "no refresh yet";
        while (clock.Elapsed < timeout)
        {
            lock (_lock)
            {
                if (_latest is { } state && state.Time >= since)
                {
                    if (state.Owners.All(o => expected.GetValueOrDefault(o.Key) == o.Value) && expected.Keys.All(state.Owners.ContainsKey))
                        return (true, "");
                    shown = string.Join(", ", ConsumerEvent.Sorted(state.Owners.Keys).Select(p => $"{TopicPartitionJsonConverter.Format(p)}: {state.Owners[p] ?? "no owner"}"));
                }
            }
            if (_child.HasExited) return (false, $"groups watch exited ({_child.ExitCode}){(_child.LastStderr.Length > 0 ? ": " + _child.LastStderr : "")}");
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(250));
        }
        return (false, shown);
    }

    private void OnEvent(DemoEvent e)
    {
        _observer?.OnNext(e);
        if (e is not GroupStateEvent state) return;
        var owners = state.Partitions.ToDictionary(p => new TopicPartition(p.Topic, p.Partition), p => p.ClientId);
        lock (_lock) _latest = (DateTime.UtcNow, owners);
        _arrived.Release();
    }

    public async ValueTask DisposeAsync()
    {
        // SIGTERM stops it as Ctrl+C does: the watch leaves at once.
        await _child.StopAsync(StopTimeout);
        await _child.DisposeAsync();
        _arrived.Dispose();
    }
}
