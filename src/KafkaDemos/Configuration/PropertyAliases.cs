namespace KafkaDemos.Configuration;

/// <summary>
/// librdkafka's aliases (CONFIGURATION.md: "Alias for `...`"): two spellings of one property. The
/// loader keeps each property under one name, so a mode's constraints, the later layers' overrides
/// and Confluent.Kafka's typed properties all see the value whichever spelling set it. The name kept
/// is the one Confluent.Kafka's typed properties read (ProducerConfig.Acks reads "acks",
/// MaxInFlight "max.in.flight", MessageSendMaxRetries "message.send.max.retries").
/// </summary>
public static class PropertyAliases
{
    private static readonly Dictionary<string, string> Canonical = new(StringComparer.Ordinal)
    {
        ["metadata.broker.list"] = "bootstrap.servers",
        ["max.in.flight.requests.per.connection"] = "max.in.flight",
        ["request.required.acks"] = "acks",
        ["retries"] = "message.send.max.retries",
        ["queue.buffering.max.ms"] = "linger.ms",
        ["delivery.timeout.ms"] = "message.timeout.ms",
        ["compression.codec"] = "compression.type",
        ["sasl.mechanisms"] = "sasl.mechanism",
    };

    /// <summary>The one name the loader keeps for <paramref name="name"/>'s property.</summary>
    public static string Resolve(string name) => Canonical.GetValueOrDefault(name, name);

    /// <summary>A client configuration built in code with each property under its one name; a later spelling wins, as in librdkafka.</summary>
    public static Dictionary<string, string> Resolve(IEnumerable<KeyValuePair<string, string>> config)
    {
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in config) resolved[Resolve(name)] = value;
        return resolved;
    }
}
