namespace KafkaDemos.Bench;

/// <summary>
/// Measures what one run costs the process: the highest working set (sampled, since the
/// process-wide peak cannot be reset between runs), CPU time of all its threads (the client's
/// native threads included), managed bytes allocated, and collections. CPU time per record is
/// the steadier figure on a shared machine, where msg/s also depends on what else runs.
/// Starts from a collected heap so one run's garbage is not counted against the next.
/// </summary>
public sealed class ResourceMeter : IDisposable
{
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(20);

    private readonly long _allocatedAtStart;
    private readonly TimeSpan _cpuAtStart;
    private readonly int _gen0AtStart;
    private readonly int _gen2AtStart;
    private readonly Timer _timer;
    private long _peak;

    private ResourceMeter()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _allocatedAtStart = GC.GetTotalAllocatedBytes(precise: true);
        _cpuAtStart = Environment.CpuUsage.TotalTime;
        _gen0AtStart = GC.CollectionCount(0);
        _gen2AtStart = GC.CollectionCount(2);
        _peak = Environment.WorkingSet;
        _timer = new Timer(_ => Sample(), null, SampleEvery, SampleEvery);
    }

    public static ResourceMeter Start() => new();

    public RunResources Stop()
    {
        _timer.Dispose();
        Sample();
        return new RunResources(
            Interlocked.Read(ref _peak),
            Environment.CpuUsage.TotalTime - _cpuAtStart,
            GC.GetTotalAllocatedBytes(precise: true) - _allocatedAtStart,
            GC.CollectionCount(0) - _gen0AtStart,
            GC.CollectionCount(2) - _gen2AtStart);
    }

    private void Sample()
    {
        long now = Environment.WorkingSet;
        long seen = Interlocked.Read(ref _peak);
        while (now > seen)
        {
            long was = Interlocked.CompareExchange(ref _peak, now, seen);
            if (was == seen) break;
            seen = was;
        }
    }

    public void Dispose() => _timer.Dispose();
}
