using System.Collections.Concurrent;
using KafkaDemos.Cli.Output;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>Keeps every event a demo run in-process emits, for assertions.</summary>
public sealed class CollectingSink : IEventSink
{
    private readonly ConcurrentQueue<DemoEvent> _events = new();

    public IReadOnlyList<DemoEvent> Events => _events.ToList();

    public IEnumerable<T> Of<T>() where T : DemoEvent => _events.OfType<T>();

    public void Emit(DemoEvent e) => _events.Enqueue(e);

    public void Flush()
    {
    }
}
