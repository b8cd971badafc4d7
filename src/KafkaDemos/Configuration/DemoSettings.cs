using KafkaDemos.Core;

namespace KafkaDemos.Configuration;

/// <summary>Typed access to the "Demo" section: settings of the demos themselves, with their sources.</summary>
public sealed class DemoSettings(IReadOnlyDictionary<string, Setting> values)
{
    public const string TopicKey = "Topic";
    public const string CountKey = "Count";
    public const string PreflightTimeoutKey = "PreflightTimeoutMs";

    public IReadOnlyDictionary<string, Setting> Values { get; } = values;

    /// <summary>The topic commands use when no --topic is given.</summary>
    public string Topic => TopicNames.Require(Get(TopicKey).Value, $"Demo setting '{TopicKey}' (from {Get(TopicKey).Source})");

    /// <summary>How many messages a producer sends when no --count is given.</summary>
    public int Count => Int(CountKey, min: 0);

    /// <summary>Bound of the broker check every command makes before it starts.</summary>
    public TimeSpan PreflightTimeout => TimeSpan.FromMilliseconds(Int(PreflightTimeoutKey, min: 1));

    public Setting Get(string key) =>
        Values.TryGetValue(key, out var s) ? s : throw new UsageException($"Demo setting '{key}' is missing");

    public int Int(string key, int min)
    {
        var s = Get(key);
        if (!int.TryParse(s.Value, out int value) || value < min)
            throw new UsageException($"Demo setting '{key}' = '{s.Value}' (from {s.Source}) is not a whole number of at least {min}");
        return value;
    }
}
