namespace KafkaDemos.Configuration;

/// <summary>The lowest configuration layer: what every command uses when nothing else says otherwise.</summary>
public static class BuiltInDefaults
{
    public const string Source = "default";

    /// <summary>The shared default client.id (also the worked example's); `demo consume` makes it its own per process.</summary>
    public const string ClientId = "kafka-demos";

    public static IEnumerable<ConfigEntry> Entries()
    {
        yield return new(ConfigSections.Common, "bootstrap.servers", "localhost:9092", Source);
        yield return new(ConfigSections.Common, "client.id", ClientId, Source);
        // Short enough that a learner sees a failed delivery when the broker goes away.
        yield return new(ConfigSections.Producer, "message.timeout.ms", "10000", Source);
        // Each message waiting for its delivery report holds a .NET GC handle; a smaller backlog than
        // librdkafka's 100,000 keeps garbage collection cheap (async: ~+45% msg/s, ~10x lower latency).
        yield return new(ConfigSections.Producer, "queue.buffering.max.messages", "20000", Source);
        yield return new(ConfigSections.Consumer, "group.id", "tdea", Source);
        yield return new(ConfigSections.Consumer, "auto.offset.reset", "earliest", Source);
        // The course's value; it also keeps rebalances on the embedded broker to about 5 s.
        yield return new(ConfigSections.Consumer, "session.timeout.ms", "6000", Source);
        yield return new(ConfigSections.Demo, DemoSettings.TopicKey, "ak03.fourpartition", Source);
        yield return new(ConfigSections.Demo, DemoSettings.CountKey, "10", Source);
        yield return new(ConfigSections.Demo, DemoSettings.PreflightTimeoutKey, "5000", Source);
    }
}

/// <summary>One value of one layer: section, key, value and where it came from.</summary>
public sealed record ConfigEntry(string Section, string Key, string Value, string Source);
