namespace KafkaDemos.Consumers;

/// <summary>
/// A sink that only counts the records a consumer processes (a benchmark) implements this as
/// well: the consumer run then calls it directly instead of building a consumed event per record
/// that nothing would print. Everything else (assignments, commits, skips) still arrives as events.
/// </summary>
public interface IRecordCounter
{
    /// <summary>A record with a value of <paramref name="valueChars"/> characters was processed.</summary>
    void Consumed(int valueChars);
}
