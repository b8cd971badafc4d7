using System.Diagnostics;

namespace KafkaDemos.Labs.Soak;

/// <summary>
/// One process's memory: its peak over its life, and the peaks of the first and last quarter of its life
/// (null for a process that lived less than <see cref="SoakMemory.MinimumLife"/>).
/// </summary>
public sealed record MemoryRow(string Process, TimeSpan Life, long PeakBytes, long? FirstQuarterPeak, long? LastQuarterPeak)
{
    /// <summary>Last quarter's peak minus the first quarter's: a leak grows it the longer the process runs.</summary>
    public long? Growth => FirstQuarterPeak is long first && LastQuarterPeak is long last ? last - first : null;

    public double? GrowthPercent => Growth is long g && FirstQuarterPeak is long first && first > 0 ? 100.0 * g / first : null;
}

/// <summary>
/// Samples the working set of this process and of every member process once a second while the
/// soak runs. Each process is compared between the first and the last quarter of its own life, so
/// steady growth shows as a leak even in members the chaos restarts.
/// </summary>
public sealed class SoakMemory : IDisposable
{
    /// <summary>Shorter lives are mostly start-up (runtime, client buffers); their quarters are not compared.</summary>
    public static readonly TimeSpan MinimumLife = TimeSpan.FromSeconds(40);

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

    /// <summary>Stops sampling; one row per process, this one first, then the longest-lived.</summary>
    public IReadOnlyList<MemoryRow> Report()
    {
        _timer.Change(Timeout.Infinite, Timeout.Infinite);
        lock (_lock)
        {
            return _samples.Select(s =>
            {
                var (from, to) = (s.Value[0].At, s.Value[^1].At);
                var life = to - from;
                var quarter = life / 4;
                long? Peak(TimeSpan a, TimeSpan b) => s.Value.Where(x => x.At >= a && x.At <= b).Max(x => (long?)x.Bytes);
                bool compared = life >= MinimumLife;
                return new MemoryRow(s.Key, life, s.Value.Max(x => x.Bytes),
                    compared ? Peak(from, from + quarter) : null,
                    compared ? Peak(to - quarter, to) : null);
            }).OrderBy(r => r.Process == LabProcess ? 0 : 1).ThenByDescending(r => r.Life).ToList();
        }
    }

    public void Dispose() => _timer.Dispose();
}
