using System.Diagnostics;

namespace KafkaDemos.Core;

/// <summary>
/// Running counts of one reporter's messages, updated by the runs on the client's threads and read
/// by whoever shows progress (the benchmark's bar, the tour). Counting is a few interlocked adds, so
/// a run that prints nothing per message still tells how far it got without building an event.
/// </summary>
public sealed class Tally
{
    private readonly long _created = Stopwatch.GetTimestamp();
    private long _sent;
    private long _delivered;
    private long _failed;
    private long _consumed;
    private long _valueChars;
    private long _firstConsumed;
    private long _latestConsumed;

    /// <summary>Messages handed to the client (fire-and-forget) or produced and awaiting their report.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Failed => Interlocked.Read(ref _failed);

    public long Consumed => Interlocked.Read(ref _consumed);

    /// <summary>Average value length of the messages counted (json mode's records have no fixed size).</summary>
    public double AverageValueChars
    {
        get
        {
            long seen = Sent + Delivered + Consumed;
            return seen == 0 ? 0 : Interlocked.Read(ref _valueChars) / (double)seen;
        }
    }

    /// <summary>From the first record consumed to the latest: the measured span leaves out the group join.</summary>
    public TimeSpan ConsumeSpan => Consumed == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(Interlocked.Read(ref _firstConsumed), Interlocked.Read(ref _latestConsumed));

    /// <summary>How long since the latest record consumed (or since this tally began, before the first).</summary>
    public TimeSpan SinceLatestConsumed => Stopwatch.GetElapsedTime(Consumed == 0 ? _created : Interlocked.Read(ref _latestConsumed));

    public void CountSent(int valueChars)
    {
        Interlocked.Add(ref _valueChars, valueChars);
        Interlocked.Increment(ref _sent);
    }

    public void CountDelivered(int valueChars)
    {
        Interlocked.Add(ref _valueChars, valueChars);
        Interlocked.Increment(ref _delivered);
    }

    public void CountFailed() => Interlocked.Increment(ref _failed);

    public void CountConsumed(int valueChars)
    {
        long now = Stopwatch.GetTimestamp();
        if (Interlocked.Increment(ref _consumed) == 1) Interlocked.Exchange(ref _firstConsumed, now);
        Interlocked.Exchange(ref _latestConsumed, now);
        Interlocked.Add(ref _valueChars, valueChars);
    }
}
