using System.Text.Json.Serialization;

namespace KafkaDemos.Core;

/// <summary>
/// One thing a demo reports. Every demo speaks only in events; the text writer renders them
/// the way the course prints them, the JSON writer as one object per line with an "event" field.
/// </summary>
/// <param name="name">The "event" field of the JSON line, e.g. "delivered".</param>
/// <param name="isData">Data (records, delivery reports, tables) goes to stdout; status goes to stderr, as kcat does.</param>
/// <param name="isPerMessage">One per message: writers may buffer these (JSON mode flushes only the others at once); none is ever left out.</param>
public abstract record DemoEvent
{
    protected DemoEvent(string name, bool isData = false, bool isPerMessage = false)
    {
        Name = name;
        IsData = isData;
        IsPerMessage = isPerMessage;
    }

    [JsonPropertyName("event"), JsonPropertyOrder(-100)]
    public string Name { get; }

    [JsonIgnore]
    public bool IsData { get; }

    [JsonIgnore]
    public bool IsPerMessage { get; }

    /// <summary>The course-style text line, or null for events that print nothing in text mode.</summary>
    public abstract string? ToText();
}
