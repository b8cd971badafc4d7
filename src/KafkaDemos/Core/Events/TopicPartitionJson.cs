using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Confluent.Kafka;

namespace KafkaDemos.Core;

/// <summary>
/// A partition in the JSON contract is the course's "topic-3". This converter is the one place that
/// writes and reads that form: topic names may contain '-', the partition number is after the last one.
/// </summary>
public sealed class TopicPartitionJsonConverter : JsonConverter<TopicPartition>
{
    public override TopicPartition Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException($"a partition is a string \"topic-N\", not {reader.TokenType}");
        return Parse(text) ?? throw new JsonException($"\"{text}\" is not a partition (\"topic-N\")");
    }

    public override void Write(Utf8JsonWriter writer, TopicPartition value, JsonSerializerOptions options) => writer.WriteStringValue(Format(value));

    public static string Format(TopicPartition p) => $"{p.Topic}-{p.Partition.Value}";

    public static TopicPartition? Parse(string text)
    {
        int dash = text.LastIndexOf('-');
        return dash > 0 && int.TryParse(text.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int partition)
            ? new TopicPartition(text[..dash], new Partition(partition))
            : null;
    }
}
