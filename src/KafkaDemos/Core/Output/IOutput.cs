namespace KafkaDemos.Core;

/// <summary>Where demos send their events. Implementations are thread-safe: client callbacks emit from librdkafka's threads.</summary>
public interface IOutput
{
    void Emit(DemoEvent e);

    /// <summary>Writes out anything buffered (call before the process exits).</summary>
    void Flush();
}

public enum OutputFormat
{
    Text,
    Json,
}
