using System.Diagnostics;
using KafkaDemos.Consumers;
using KafkaDemos.Core;

namespace KafkaDemos.Bench;

/// <summary>
/// The event sink a benchmarked consumer demo reports to: it counts the records read (as an
/// <see cref="IRecordCounter"/>, so no event is built per record) and keeps the time of the first
/// and the latest, so the measured span leaves out the group join before the first record.
/// Warnings and errors still reach the user. Only the consumer's thread records; the progress
/// display and the idle watchdog read.
/// </summary>
public sealed class ReadingSink(IOutput output) : IOutput, IRecordCounter
{
    private readonly long _created = Stopwatch.GetTimestamp();
    private long _read;
    private long _valueChars;
    private long _first;
    private long _latest;

    public long Read => Volatile.Read(ref _read);

    public double AverageValueChars => Read == 0 ? 0 : Volatile.Read(ref _valueChars) / (double)Read;

    /// <summary>From the first record read to the latest.</summary>
    public TimeSpan Span => Read == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(Volatile.Read(ref _first), Volatile.Read(ref _latest));

    /// <summary>How long since the latest record (or since the start, before the first).</summary>
    public TimeSpan SinceLatest => Stopwatch.GetElapsedTime(Read == 0 ? _created : Volatile.Read(ref _latest));

    public void Consumed(int valueChars)
    {
        long now = Stopwatch.GetTimestamp();
        if (_read == 0) Volatile.Write(ref _first, now);
        Volatile.Write(ref _latest, now);
        Volatile.Write(ref _valueChars, _valueChars + valueChars);
        Volatile.Write(ref _read, _read + 1);
    }

    public void Emit(DemoEvent e)
    {
        if (e is WarningEvent or ErrorEvent) output.Emit(e);
    }

    public void Flush() => output.Flush();
}
