using KafkaDemos.Core;
using KafkaDemos.Producers;

namespace KafkaDemos.Bench;

/// <summary>
/// The event sink a benchmarked producer demo reports to: it counts each message's outcome and
/// records each delivery's latency (as an <see cref="IDeliveryCounter"/>, so no event is built per message). Warnings and errors
/// still reach the user; the demo's own start lines and summary are replaced by the benchmark's.
/// </summary>
public sealed class RecordingSink(IOutput output, LatencyRecorder latencies) : IOutput, IDeliveryCounter
{
    private long _sent;
    private long _delivered;
    private long _failed;
    private long _valueChars;

    public LatencyRecorder Latencies { get; } = latencies;

    /// <summary>Messages handed over or answered so far, for the progress bar.</summary>
    public long Done => Interlocked.Read(ref _sent) + Interlocked.Read(ref _delivered) + Interlocked.Read(ref _failed);

    /// <summary>Average value length of the messages seen (json mode's records have no fixed --size).</summary>
    public double AverageValueChars
    {
        get
        {
            long seen = Interlocked.Read(ref _sent) + Interlocked.Read(ref _delivered);
            return seen == 0 ? 0 : Interlocked.Read(ref _valueChars) / (double)seen;
        }
    }

    public void Sent(int valueChars)
    {
        Interlocked.Add(ref _valueChars, valueChars);
        Interlocked.Increment(ref _sent);
    }

    public void Delivered(int valueChars, double latencyMs)
    {
        Latencies.Record(latencyMs);
        Interlocked.Add(ref _valueChars, valueChars);
        Interlocked.Increment(ref _delivered);
    }

    public void Emit(DemoEvent e)
    {
        switch (e)
        {
            case DeliveryFailedEvent:
                Interlocked.Increment(ref _failed);
                break;
            case WarningEvent or ErrorEvent:
                output.Emit(e);
                break;
        }
    }

    public void Flush() => output.Flush();
}
