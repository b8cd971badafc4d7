namespace KafkaDemos.Core;

/// <summary>An observer of a run's events that acts on each one; a run never ends its observers with an error.</summary>
public class EventObserver(Action<DemoEvent> onNext) : IObserver<DemoEvent>
{
    public void OnNext(DemoEvent value) => onNext(value);

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }
}

/// <summary>Keeps the events it observes (every one, or those <paramref name="keep"/> accepts), in order, for a caller that reads them afterwards (a lab's report, a test).</summary>
public sealed class EventLog(Func<DemoEvent, bool>? keep = null) : IObserver<DemoEvent>
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<DemoEvent> _events = new();

    public IReadOnlyList<DemoEvent> Events => _events.ToList();

    public IReadOnlyList<T> Of<T>() where T : DemoEvent => _events.OfType<T>().ToList();

    public void OnNext(DemoEvent value)
    {
        if (keep?.Invoke(value) ?? true) _events.Enqueue(value);
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }
}
