using KafkaDemos.Core;

namespace KafkaDemos.Tests;

/// <summary>The processed event: observers get each one; an excerpt of N lines still shows N records.</summary>
public sealed class ProcessedEventTests
{
    private sealed class Captured : IOutput
    {
        public List<DemoEvent> Events { get; } = [];

        public void Emit(DemoEvent e) => Events.Add(e);

        public void Flush()
        {
        }
    }

    [Fact]
    public void An_excerpt_counts_records_not_their_processed_events_and_observers_get_both()
    {
        var output = new Captured();
        var observed = new List<DemoEvent>();
        var reporter = new Reporter(output, Shown.All, perMessageLimit: 2, new EventObserver(observed.Add));

        for (int n = 0; n < 3; n++)
        {
            reporter.Emit(new ConsumedEvent("t", 0, n, null, $"{n}", null));
            reporter.Emit(new ProcessedEvent("t", 0, n));
        }
        reporter.CloseExcerpt();

        Assert.Equal([0L, 1L], output.Events.OfType<ConsumedEvent>().Select(e => e.Offset));
        Assert.Empty(output.Events.OfType<ProcessedEvent>());
        Assert.Equal("  ... 1 more lines like these", Assert.IsType<InfoEvent>(output.Events[^1]).Message);
        Assert.Equal(6, observed.Count);
        Assert.Null(new ProcessedEvent("t", 0, 0).ToText());
    }
}
