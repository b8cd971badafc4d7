using KafkaDemos.Core;

namespace KafkaDemos.Configuration;

/// <summary>A topic the course uses, declared in appsettings.json "Topics" or with `--topic NAME[:PARTITIONS]`.</summary>
public sealed record TopicDeclaration(string Name, int Partitions = 4, int ReplicationFactor = 3)
{
    /// <summary>Parses "NAME" or "NAME:PARTITIONS" (the `demo broker --topic` form).</summary>
    public static TopicDeclaration Parse(string text)
    {
        var parts = text.Split(':');
        string name = parts[0].Trim();
        if (parts.Length > 2)
            throw new UsageException($"--topic '{text}' is not NAME or NAME:PARTITIONS (e.g. ak03.fourpartition:4)");
        if (TopicNames.Problem(name) is string problem) throw new UsageException($"--topic '{text}' does not name a topic: {problem}");
        if (parts.Length == 1) return new TopicDeclaration(name);
        if (!int.TryParse(parts[1], out int partitions) || partitions < 1)
            throw new UsageException($"--topic '{text}': partition count '{parts[1]}' is not a whole number of at least 1");
        return new TopicDeclaration(name, partitions);
    }

    public override string ToString() => $"{Name} ({Partitions} partitions)";
}
