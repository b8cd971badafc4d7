namespace KafkaDemos.Core;

/// <summary>
/// Delivery latencies of one run, every one kept (4 bytes each, so a million cost 4 MB), and
/// their percentiles the way kafka-producer-perf-test reports them. Thread-safe for recording:
/// delivery reports arrive on the client's thread while the run is still producing.
/// </summary>
public sealed class LatencyRecorder
{
    private readonly Lock _lock = new();
    private float[] _values;
    private int _count;

    /// <param name="expected">How many to make room for at once (the run's message count), so recording never copies.</param>
    public LatencyRecorder(int expected = 1024) => _values = new float[Math.Clamp(expected, 16, 1 << 26)];

    public int Count => Volatile.Read(ref _count);

    public void Record(double milliseconds)
    {
        lock (_lock)
        {
            if (_count == _values.Length) Array.Resize(ref _values, _values.Length * 2);
            _values[_count] = (float)milliseconds;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    /// <summary>The summary of what was recorded; null when nothing was (a mode that observes no deliveries).</summary>
    public LatencySummary? Summarize()
    {
        float[] sorted;
        lock (_lock) sorted = _values.AsSpan(0, _count).ToArray();
        int n = sorted.Length;
        if (n == 0) return null;
        Array.Sort(sorted);
        double sum = 0;
        foreach (float v in sorted) sum += v;
        return new LatencySummary(
            Count: n,
            Avg: sum / n,
            P50: Percentile(sorted, 50),
            P95: Percentile(sorted, 95),
            P99: Percentile(sorted, 99),
            P999: Percentile(sorted, 99.9),
            Max: sorted[^1]);
    }

    /// <summary>Nearest rank: the smallest value with at least <paramref name="percent"/> % of the values at or below it.</summary>
    public static double Percentile(ReadOnlySpan<float> sorted, double percent)
    {
        if (sorted.IsEmpty) throw new ArgumentException("no values", nameof(sorted));
        int rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>Latency figures in milliseconds, ordered p50 &lt;= p95 &lt;= p99 &lt;= p99.9 &lt;= max.</summary>
public sealed record LatencySummary(int Count, double Avg, double P50, double P95, double P99, double P999, double Max);
