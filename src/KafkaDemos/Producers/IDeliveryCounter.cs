namespace KafkaDemos.Producers;

/// <summary>
/// A sink that only counts each message's outcome (a benchmark) implements this as well: the
/// producer run then calls it directly instead of building a sent or delivered event per message
/// that nothing would print. Failures still arrive as events, every one.
/// </summary>
public interface IDeliveryCounter
{
    /// <summary>Fire-and-forget handed a message of <paramref name="valueChars"/> characters to the client.</summary>
    void Sent(int valueChars);

    /// <summary>The broker acknowledged a message, <paramref name="latencyMs"/> after it was produced.</summary>
    void Delivered(int valueChars, double latencyMs);
}
