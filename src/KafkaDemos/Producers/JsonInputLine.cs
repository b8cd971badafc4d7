using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// One --stdin line of --input-format json: an object giving the record's parts, so a line can
/// say what plain text cannot, a null key or a null value (a tombstone), and headers:
/// {"key": "user-1", "value": null, "headers": {"source": "shop"}}.
/// "value" is required (null for a tombstone); "key" may be left out (then --key decides) or null;
/// "headers" is an object of names to text (or null), or, as `demo consume -o json` writes them,
/// a list of {"key", "value", "base64"}. Other fields (event, topic, partition, offset, ...) are
/// ignored, so a `consumed` event can be sent again as it is.
/// </summary>
public static class JsonInputLine
{
    public static OutgoingMessage Parse(string line, long lineNumber, long n, string? defaultKey, Headers? flagHeaders)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw Bad(lineNumber, line, $"is not valid JSON ({e.Message.Split('.')[0]})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Bad(lineNumber, line, "is not a JSON object like {\"key\": \"k\", \"value\": \"v\"}");
            if (!root.TryGetProperty("value", out var value))
                throw Bad(lineNumber, line, "has no \"value\" (write \"value\": null for a tombstone)");
            string? key = root.TryGetProperty("key", out var k) ? Text(k, "key", lineNumber, line) : defaultKey;
            var headers = root.TryGetProperty("headers", out var h) ? Headers(h, flagHeaders, lineNumber, line) : flagHeaders;
            return new OutgoingMessage(n, key, Text(value, "value", lineNumber, line), headers);
        }
    }

    /// <summary>A string is its text; null is null; any other JSON (an object, a number) is sent as its JSON text.</summary>
    private static string? Text(JsonElement element, string field, long lineNumber, string line) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => throw Bad(lineNumber, line, $"has a \"{field}\" that is not text, JSON or null"),
    };

    private static Headers? Headers(JsonElement element, Headers? flagHeaders, long lineNumber, string line)
    {
        if (element.ValueKind == JsonValueKind.Null) return flagHeaders;
        var headers = new Headers();
        if (flagHeaders is not null)
            foreach (var header in flagHeaders) headers.Add(header.Key, header.GetValueBytes());
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var field in element.EnumerateObject())
                headers.Add(field.Name, Bytes(field.Value, base64: false, field.Name, lineNumber, line));
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("key", out var name) || name.ValueKind != JsonValueKind.String)
                    throw Bad(lineNumber, line, "has a header that is not {\"key\": \"name\", \"value\": \"text\"}");
                bool base64 = item.TryGetProperty("base64", out var b) && b.ValueKind == JsonValueKind.True;
                var value = item.TryGetProperty("value", out var v) ? v : default;
                headers.Add(name.GetString()!, value.ValueKind == JsonValueKind.Undefined ? null : Bytes(value, base64, name.GetString()!, lineNumber, line));
            }
        }
        else
        {
            throw Bad(lineNumber, line, "has \"headers\" that are neither an object {\"name\": \"value\"} nor a list [{\"key\": ..., \"value\": ...}]");
        }
        return headers.Count == 0 ? null : headers;
    }

    private static byte[]? Bytes(JsonElement value, bool base64, string name, long lineNumber, string line)
    {
        if (value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.String) throw Bad(lineNumber, line, $"has header '{name}' whose value is not text or null");
        if (!base64) return Encoding.UTF8.GetBytes(value.GetString()!);
        try
        {
            return Convert.FromBase64String(value.GetString()!);
        }
        catch (FormatException)
        {
            throw Bad(lineNumber, line, $"has header '{name}' marked base64 whose value is not base64");
        }
    }

    private static UsageException Bad(long lineNumber, string line, string what) =>
        new($"input line {lineNumber} '{ProducerText.Shorten(line)}' {what} (--input-format json)");
}
