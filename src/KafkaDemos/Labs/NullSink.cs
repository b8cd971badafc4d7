using KafkaDemos.Core;


namespace KafkaDemos.Labs;

/// <summary>Discards events: for set-up steps whose output would only distract (filling a topic).</summary>
public sealed class NullSink : IOutput
{
    public static readonly NullSink Instance = new();

    public void Emit(DemoEvent e)
    {
    }

    public void Flush()
    {
    }
}
