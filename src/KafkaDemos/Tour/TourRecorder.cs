using System.Collections.Concurrent;
using Confluent.Kafka;
using KafkaDemos.Consumers;

using KafkaDemos.Labs;
using KafkaDemos.Core;

namespace KafkaDemos.Tour;

/// <summary>
/// Observes a demo's events and keeps what the chapter checks: which records each consumer
/// processed, what it was assigned, revoked and committed.
/// </summary>
public sealed class TourRecorder : IObserver<DemoEvent>
{
    private readonly ConcurrentQueue<ConsumerEvent> _events = new();

    public void OnNext(DemoEvent value)
    {
        if (value is ConsumerEvent c) _events.Enqueue(c);
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    public IReadOnlyList<T> Of<T>(string? member = null) where T : ConsumerEvent =>
        _events.OfType<T>().Where(e => member is null || e.Member == member).ToList();

    /// <summary>The message numbers processed (by <paramref name="member"/>, or by anyone).</summary>
    public IReadOnlyList<long> Processed(string? member = null) =>
        Of<ConsumedEvent>(member).Select(e => SequenceCheck.NumberOf(e.Value)).OfType<long>().ToList();

    /// <summary>What <paramref name="member"/> owns now, replaying its assigned, revoked and lost events.</summary>
    public IReadOnlySet<TopicPartition> Owned(string member)
    {
        var owned = new HashSet<TopicPartition>();
        foreach (var e in Of<ConsumerEvent>(member)) AssignmentBoard.Apply(owned, e);
        return owned;
    }

    /// <summary>Waits, with a deadline, until <paramref name="condition"/> holds; false if it never did.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline || cancellation.IsCancellationRequested) return false;
            await Task.Delay(50, CancellationToken.None);
        }
        return true;
    }
}
