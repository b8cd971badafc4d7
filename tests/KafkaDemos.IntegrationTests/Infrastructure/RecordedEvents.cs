using KafkaDemos.Core;
using KafkaDemos.Labs;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>
/// Observes every event a demo reports in-process, so tests can read what it (and each consumer
/// member) did. Given where a run wants a reporter, it is a silent one with this observer.
/// </summary>
public sealed class RecordedEvents : IObserver<DemoEvent>
{
    private readonly List<DemoEvent> _events = [];
    private readonly Lock _lock = new();

    public RecordedEvents() => Reporter = Reporter.Silent(this);

    public Reporter Reporter { get; }

    public static implicit operator Reporter(RecordedEvents sink) => sink.Reporter;

    public void OnNext(DemoEvent value)
    {
        lock (_lock) _events.Add(value);
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    public IReadOnlyList<DemoEvent> Events
    {
        get { lock (_lock) return _events.ToList(); }
    }

    /// <summary>Events of type <typeparamref name="T"/>; for consumer events, optionally only those of one member.</summary>
    public IReadOnlyList<T> Of<T>(string? member = null) where T : DemoEvent =>
        Events.OfType<T>().Where(e => member is null || (e as ConsumerEvent)?.Member == member).ToList();

    /// <summary>What <paramref name="member"/> owns now, replaying its assigned/revoked/lost events.</summary>
    public HashSet<Confluent.Kafka.TopicPartition> Assignment(string member)
    {
        var owned = new HashSet<Confluent.Kafka.TopicPartition>();
        foreach (var e in Events.OfType<ConsumerEvent>().Where(e => e.Member == member)) AssignmentBoard.Apply(owned, e);
        return owned;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes (then fails with the events so far).</summary>
    public async Task WaitUntilAsync(Func<RecordedEvents, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not within {timeout}: {what}\nEvents:\n{string.Join("\n", Events.Select(e => e.ToText()))}");
            await Task.Delay(50);
        }
    }
}
