using System.Text;
using Confluent.Kafka;

namespace KafkaDemos.Sink;

/// <summary>
/// The sink's value deserializer: UTF-8 as the course's json.loads expects it. A value that is not
/// valid UTF-8 is still handed on (undecodable bytes as U+FFFD, for display), and <see cref="Invalid"/>
/// says why it is not text, so the sink refuses it instead of storing the replacement characters.
/// The client deserializes each record inside the Consume() that returns it, on the sink's one thread:
/// <see cref="Invalid"/> is about the record Consume() returned last.
/// </summary>
internal sealed class StrictUtf8Values : IDeserializer<string?>
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Why the last value was not valid UTF-8, or null when it was (or was null).</summary>
    public string? Invalid { get; private set; }

    public string? Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        Invalid = null;
        if (isNull) return null;
        try
        {
            return Strict.GetString(data);
        }
        catch (DecoderFallbackException e)
        {
            Invalid = $"invalid UTF-8 at byte {e.Index}";
            return Encoding.UTF8.GetString(data);
        }
    }
}
