using System.Diagnostics;

namespace KafkaDemos.Labs;

/// <summary>One process's memory over the run: its peak, and the peaks of the run's first and last quarter.</summary>
public sealed record MemoryRow(string Process, long PeakBytes, long? FirstQuarterPeak, long? LastQuarterPeak)
{
    /// <summary>Last quarter's peak minus the first quarter's: a leak grows it run after run; null when the process did not live through both.</summary>
    public long? Growth => FirstQuarterPeak is long first && LastQuarterPeak is long last ? last - first : null;

    public double? GrowthPercent => Growth is long g && FirstQuarterPeak is long first && first > 0 ? 100.0 * g / first : null;
}

/// <summary>
/// Samples the working set of this process and of every member process once a second while the
/// soak runs. A process that lives through the whole run (this one; members never restarted) is
/// compared between the first and the last quarter of the run, so steady growth shows as a leak.
/// </summary>
public sealed class SoakMemory : IDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);

    private readonly Func<IReadOnlyList<(string Process, long? Bytes)>> _members;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<(TimeSpan At, long Bytes)>> _samples = [];
    private readonly Timer _timer;

    public const string LabProcess = "lab (producer, embedded broker if any)";

    public SoakMemory(Func<IReadOnlyList<(string Process, long? Bytes)>> members)
    {
        _members = members;
        Sample();
        _timer = new Timer(_ => Sample(), null, Every, Every);
    }

    private void Sample()
    {
        var at = _clock.Elapsed;
        var now = _members().Append((LabProcess, (long?)Environment.WorkingSet)).ToList();
        lock (_lock)
        {
            foreach (var (process, bytes) in now)
            {
                if (bytes is not long b) continue;
                if (!_samples.TryGetValue(process, out var list)) _samples[process] = list = [];
                list.Add((at, b));
            }
        }
    }

    /// <summary>The rows for the run from the sampler's start to <paramref name="end"/> (the producer's end).</summary>
    public IReadOnlyList<MemoryRow> Report(TimeSpan end)
    {
        _timer.Change(Timeout.Infinite, Timeout.Infinite);
        var quarter = end / 4;
        lock (_lock)
        {
            return _samples.Select(s =>
            {
                long? Peak(TimeSpan from, TimeSpan to)
                {
                    var inside = s.Value.Where(x => x.At >= from && x.At <= to).ToList();
                    return inside.Count == 0 ? null : inside.Max(x => x.Bytes);
                }
                // Only a process alive from the first quarter to the last is compared across them.
                bool whole = s.Value[0].At <= quarter && s.Value[^1].At >= end - quarter;
                return new MemoryRow(s.Key, s.Value.Max(x => x.Bytes),
                    whole ? Peak(TimeSpan.Zero, quarter) : null,
                    whole ? Peak(end - quarter, end) : null);
            }).OrderBy(r => r.Process == LabProcess ? 0 : 1).ThenBy(r => r.Process, StringComparer.Ordinal).ToList();
        }
    }

    public void Dispose() => _timer.Dispose();
}
