using System.Text.Json;
using Confluent.Kafka;

namespace KafkaDemos.Producers;

/// <summary>The course's Producer_04_Json record: {"num": n}.</summary>
public sealed record NumRecord(long Num);

/// <summary>The task record of the course's Python KafkaProducer demo (field names as the course spells them).</summary>
public sealed record CourseTask(long TaskId, string ImagePath, string VideoPath, string GuidenceText);

/// <summary>
/// A typed value to and from JSON with System.Text.Json, plugged into the client as Confluent's
/// ISerializer/IDeserializer: the course's value_serializer=lambda m: json.dumps(m).encode('utf-8'),
/// with no schema registry. Names are snake_case like the course's records.
/// </summary>
public sealed class JsonValueSerializer<T> : ISerializer<T>, IDeserializer<T>
{
    public static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A null record is a null value (a tombstone), not the JSON text null.</summary>
    public byte[] Serialize(T data, SerializationContext context) => data is null ? null! : JsonSerializer.SerializeToUtf8Bytes(data, Options);

    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) =>
        isNull ? default! : JsonSerializer.Deserialize<T>(data, Options)!;

    public static string ToText(T data) => JsonSerializer.Serialize(data, Options);
}
