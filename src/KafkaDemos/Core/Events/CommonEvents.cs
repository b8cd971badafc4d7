using System.Text.Json.Serialization;

namespace KafkaDemos.Core;

/// <summary>A status line: what the demo is doing, in the words of the course.</summary>
public sealed record InfoEvent(string Message) : DemoEvent("info")
{
    public override string? ToText() => Message;
}

/// <summary>Something the user should know but that does not fail the run.</summary>
public sealed record WarningEvent(string Message) : DemoEvent("warning")
{
    /// <summary>A log line of the Kafka client itself (librdkafka), not the demo's own word.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool FromClient { get; init; }

    public override string? ToText() => "Warning: " + Message;
}

/// <summary>An error reported by a client or the demo (the course's error_cb).</summary>
public sealed record ErrorEvent(string Message, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code = null, bool Fatal = false)
    : DemoEvent("error")
{
    /// <summary>Reported by the Kafka client's error callback (the course's error_cb), not by the demo.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool FromClient { get; init; }

    public override string? ToText() => (Fatal ? "Fatal error: " : "Error: ") + Message;
}

/// <summary>
/// The closing figures of a command. Fields are flattened into the JSON line
/// ({"event":"summary","of":"produce","sent":10,...}); text mode prints "name: value" pairs.
/// </summary>
public sealed record SummaryEvent(string Of, IReadOnlyList<KeyValuePair<string, object?>> Fields) : FlattenedEvent("summary", Fields)
{
    public override string? ToText() => "Summary: " + string.Join(", ", Fields.Select(f => Describe(f.Key, f.Value)));

    /// <summary>"elapsed_s" = 1.5 reads "elapsed 1.5 s", "msg_per_s" = 10 reads "10 msg/s", "total_lag" reads "total lag".</summary>
    private static string Describe(string key, object? value)
    {
        if (key.EndsWith("_per_s", StringComparison.Ordinal)) return $"{Format(value)} {key[..^"_per_s".Length].Replace('_', ' ')}/s";
        if (key.EndsWith("_s", StringComparison.Ordinal)) return $"{key[..^2].Replace('_', ' ')} {Format(value)} s";
        return $"{key.Replace('_', ' ')} {Format(value)}";
    }

    private static string Format(object? value) => value switch
    {
        null => "-",
        bool b => b ? "yes" : "no",
        double d => d.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
        System.Collections.IDictionary dict => "{" + string.Join(", ", dict.Keys.Cast<object>().Select(k => $"{k}={Format(dict[k])}")) + "}",
        string s => s,
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Format)) + "]",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>
/// An event whose figures are flattened into its JSON line beside "event" (a summary, a lab's row):
/// any number of named fields, in order, written as properties and read back the same way.
/// </summary>
public abstract record FlattenedEvent : DemoEvent
{
    private readonly IReadOnlyList<KeyValuePair<string, object?>>? _fields;
    private readonly Dictionary<string, object?>? _read;

    protected FlattenedEvent(string name, IReadOnlyList<KeyValuePair<string, object?>> fields, bool isData = false) : base(name, isData) => _fields = fields;

    [JsonIgnore]
    public IReadOnlyList<KeyValuePair<string, object?>> Fields
    {
        get => _fields ?? [.. _read ?? []];
        init => _fields = value;
    }

    /// <summary>
    /// Written flattened. Read back (EventJson), the reader fills the dictionary it is handed after
    /// setting it, so it is kept, not copied: its entries, in their order, are the fields.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, object?>? Extension
    {
        get => _fields?.ToDictionary(f => f.Key, f => f.Value) ?? _read;
        init => _read = value;
    }
}
