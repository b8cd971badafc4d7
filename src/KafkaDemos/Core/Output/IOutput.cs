namespace KafkaDemos.Core;

/// <summary>Where demos send their events. Implementations are thread-safe: client callbacks emit from librdkafka's threads.</summary>
public interface IOutput
{
    void Emit(DemoEvent e);

    /// <summary>Writes out anything buffered (call before the process exits).</summary>
    void Flush();

    /// <summary>Cancelled once stdout's reader has gone (a closed pipe): nothing more reaches it.</summary>
    CancellationToken Closed => CancellationToken.None;
}

public enum OutputFormat
{
    Text,
    Json,
}
