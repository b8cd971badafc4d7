using System.Diagnostics;
using System.Text.Json;
using KafkaDemos.Native;

namespace KafkaDemos.Labs;

/// <summary>
/// `demo groups watch GROUP -o json` as a child process of a lab whose members are `demo consume`
/// processes, so the lab can check, step by step, that the watch shows as the owner of every
/// partition the member that printed it (members are told apart by their client.id, their name).
/// </summary>
public sealed class LabGroupWatch : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _arrived = new(0);
    private (DateTime Time, Dictionary<string, string?> Owners)? _latest;

    /// <param name="start">`demo groups watch GROUP -o json ...`, as <see cref="DemoExecutable.StartInfo"/> builds it, with stdout redirected.</param>
    public LabGroupWatch(ProcessStartInfo start)
    {
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, _) => { };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>
    /// Waits, up to <paramref name="timeout"/>, for a refresh made after this call whose owners are
    /// exactly <paramref name="printed"/> (member -> the partitions it printed; a partition nobody printed
    /// must show no owner); returns what the last refresh showed when none matched.
    /// </summary>
    public async Task<(bool Agrees, string Shown)> AgreesAsync(IReadOnlyDictionary<string, IReadOnlySet<string>> printed, TimeSpan timeout)
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
                    shown = string.Join(", ", state.Owners.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}: {o.Value ?? "no owner"}"));
                }
            }
            if (_process.HasExited) return (false, $"groups watch exited ({_process.ExitCode})");
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(250));
        }
        return (false, shown);
    }

    private void OnLine(string? line)
    {
        if (line is null || !line.StartsWith('{')) return;
        try
        {
            using var document = JsonDocument.Parse(line);
            var e = document.RootElement;
            if (!e.TryGetProperty("event", out var name) || name.GetString() != "group_state") return;
            var owners = e.GetProperty("partitions").EnumerateArray().ToDictionary(
                p => $"{p.GetProperty("topic").GetString()}-{p.GetProperty("partition").GetInt32()}",
                p => p.GetProperty("client_id").GetString());
            lock (_lock) _latest = (DateTime.UtcNow, owners);
            _arrived.Release();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            // Not a refresh this lab can read: the next one will do.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM stops it as Ctrl+C does: the watch leaves at once.
            PosixSignals.Kill(_process.Id, PosixSignals.SigTerm);
            var exited = _process.WaitForExitAsync();
            if (await Task.WhenAny(exited, Task.Delay(StopTimeout)) != exited) _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
        _arrived.Dispose();
    }
}
