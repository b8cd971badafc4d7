using KafkaDemos.Core;


namespace KafkaDemos.Labs;

/// <summary>Passes on only the events a lab wants to show; the rest are dropped (the lab counts what it needs elsewhere).</summary>
public sealed class FilterSink(IOutput inner, Func<DemoEvent, bool> show) : IOutput
{
    public void Emit(DemoEvent e)
    {
        if (show(e)) inner.Emit(e);
    }

    public void Flush() => inner.Flush();
}
