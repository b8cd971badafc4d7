using Confluent.Kafka;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>
/// `--group-protocol classic|consumer`, librdkafka's group.protocol. Under KIP-848's consumer
/// protocol the broker computes the assignment and owns the member's session, so the client-side
/// settings of the classic protocol have no meaning there: librdkafka rejects them. A setting the
/// user gave on purpose (a flag or an environment variable) is refused with exit 2; one that only
/// comes from the defaults or a config file (the course's session.timeout.ms=6000) is left out,
/// with a note saying so.
/// </summary>
public static class GroupProtocolSettings
{
    public const string Classic = "classic";
    public const string Consumer = "consumer";

    /// <summary>What the broker assigns with under the consumer protocol unless group.remote.assignor says otherwise.</summary>
    public const string DefaultRemoteAssignor = "uniform";

    private const string AssignorKey = "partition.assignment.strategy";
    private static readonly string[] SessionKeys = ["session.timeout.ms", "heartbeat.interval.ms"];

    /// <summary>The protocol a consumer config asks for ("classic" when unset).</summary>
    public static string Of(ConsumerConfig config) =>
        config.Get("group.protocol") is { Length: > 0 } p ? p.ToLowerInvariant() : Classic;

    /// <summary>
    /// The consumer config to run with: unchanged under the classic protocol; under the consumer
    /// protocol without the classic-only settings that came from defaults or files. Throws
    /// <see cref="UsageException"/> for one the user set explicitly. <paramref name="notes"/> gets a line per setting left out.
    /// </summary>
    public static ConsumerConfig Apply(DemoConfiguration configuration, ConsumerConfig config, ICollection<string> notes)
    {
        if (Of(config) != Consumer) return config;
        var settings = configuration.Client(ClientKind.Consumer);
        if (settings.TryGetValue(AssignorKey, out var assignor))
            throw new UsageException(
                $"{AssignorKey}={assignor.Value} (from {assignor.Source}) contradicts --group-protocol consumer: the broker assigns the " +
                $"partitions there, no client-side assignor runs. Leave it out (the broker's assignor is chosen with -X group.remote.assignor=uniform|range).");
        var leftOut = new HashSet<string>();
        foreach (string key in SessionKeys)
        {
            if (!settings.TryGetValue(key, out var setting)) continue;
            if (IsExplicit(setting))
                throw new UsageException(
                    $"{key}={setting.Value} (from {setting.Source}) contradicts --group-protocol consumer: the broker sets the session " +
                    "and heartbeat timing there (group.consumer.session.timeout.ms, group.consumer.heartbeat.interval.ms). Leave it out.");
            leftOut.Add(key);
            notes.Add($"{key}={setting.Value} (from {setting.Source}) left out: under --group-protocol consumer the broker sets it");
        }
        return new ConsumerConfig(config.Where(p => !leftOut.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value));
    }

    private static bool IsExplicit(Setting setting) =>
        setting.Source.StartsWith("flag ", StringComparison.Ordinal) || setting.Source.StartsWith("env ", StringComparison.Ordinal);
}
