using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>
/// The watcher's own consumer: it carries the watched group's id only to read the group's committed
/// offsets (OffsetFetch) and never subscribes, so it never joins the group. It reads watermarks and
/// metadata for the view, and (on brokers without DescribeGroups) the members' status topic, by assign.
/// </summary>
public static class WatchConsumer
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <param name="onError">Sees the client's errors (served while the consumer is polled), e.g. every broker down.</param>
    public static IConsumer<Ignore, byte[]> Build(ConsumerConfig baseConfig, string group, Reporter reporter, Action<Error>? onError = null)
    {
        // group.protocol and its settings matter only to a member; this consumer never becomes one.
        var settings = baseConfig
            .Where(p => p.Key is not ("group.protocol" or "group.remote.assignor" or "partition.assignment.strategy" or "session.timeout.ms" or "heartbeat.interval.ms"))
            .ToDictionary(p => p.Key, p => p.Value);
        var config = new ConsumerConfig(settings)
        {
            GroupId = group,
            EnableAutoCommit = false,
            EnablePartitionEof = false,
            // The status topic exists once the first member reported; asking for it may create it (auto-create).
            AllowAutoCreateTopics = true,
        };
        return new ConsumerBuilder<Ignore, byte[]>(config)
            .SetLogHandler(ClientLog.Handler<IConsumer<Ignore, byte[]>>(reporter))
            .SetErrorHandler((_, error) => onError?.Invoke(error))
            .Build();
    }

    /// <summary>The group's committed offset of each partition that has one ("topic-p" -> offset).</summary>
    public static Dictionary<string, long> Committed(IConsumer<Ignore, byte[]> consumer, IReadOnlyList<string> partitions)
    {
        if (partitions.Count == 0) return [];
        try
        {
            return consumer.Committed(partitions.Select(Parse), Timeout)
                .Where(p => p.Offset.Value >= 0)
                .ToDictionary(p => $"{p.Topic}-{p.Partition.Value}", p => p.Offset.Value);
        }
        catch (KafkaException)
        {
            return [];
        }
    }

    /// <summary>
    /// The topics the group has committed offsets on (internal "__" topics left out), as `groups describe`
    /// finds them: every partition the metadata lists, and the group's committed offset of each.
    /// </summary>
    public static List<string> CommittedTopics(IConsumer<Ignore, byte[]> consumer)
    {
        try
        {
            using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
            var partitions = admin.GetMetadata(Timeout).Topics
                .Where(t => !t.Error.IsError && !t.Topic.StartsWith("__", StringComparison.Ordinal))
                .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId)))
                .ToList();
            if (partitions.Count == 0) return [];
            return consumer.Committed(partitions, Timeout).Where(p => p.Offset.Value >= 0).Select(p => p.Topic)
                .Distinct().Order(StringComparer.Ordinal).ToList();
        }
        catch (KafkaException)
        {
            return [];
        }
    }

    /// <summary>True when a broker answers a metadata request within <paramref name="timeout"/>.</summary>
    public static bool Reachable(IConsumer<Ignore, byte[]> consumer, TimeSpan timeout)
    {
        try
        {
            using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
            return admin.GetMetadata(timeout).Brokers.Count > 0;
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    /// <summary>
    /// The log end of each partition ("topic-p" -> offset); -1 where the broker did not answer in time.
    /// Once one partition's answer timed out or found no broker, the rest are not asked: they would wait
    /// out the same timeout one after another (a killed broker leaves every request waiting its full
    /// timeout), holding the refresh that would say no broker answers. The timeout itself stays as
    /// long as it is, so a slow broker that still answers is not taken for a gone one.
    /// </summary>
    public static Dictionary<string, long> Ends(IConsumer<Ignore, byte[]> consumer, IReadOnlyList<string> partitions)
    {
        var ends = partitions.ToDictionary(p => p, _ => -1L);
        foreach (string p in partitions)
        {
            try
            {
                ends[p] = consumer.QueryWatermarkOffsets(Parse(p), Timeout).High.Value;
            }
            catch (KafkaException e) when (IsNoBroker(e.Error.Code))
            {
                break;
            }
            catch (KafkaException)
            {
                // This partition only (not known yet, say): the others may still answer.
            }
        }
        return ends;
    }

    /// <summary>The answer did not come because no broker answered, not because of what was asked.</summary>
    private static bool IsNoBroker(ErrorCode code) =>
        code is ErrorCode.Local_TimedOut or ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown;

    /// <summary>Every partition of <paramref name="topics"/> that the metadata lists ("topic-p").</summary>
    public static List<string> Partitions(IConsumer<Ignore, byte[]> consumer, IEnumerable<string> topics)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var result = new List<string>();
        foreach (string topic in topics)
        {
            try
            {
                var metadata = admin.GetMetadata(topic, Timeout).Topics.FirstOrDefault(t => t.Topic == topic);
                if (metadata is { Error.IsError: false })
                    result.AddRange(metadata.Partitions.OrderBy(p => p.PartitionId).Select(p => $"{topic}-{p.PartitionId}"));
            }
            catch (KafkaException)
            {
                // Not known yet: the partitions the members claim still show.
            }
        }
        return result;
    }

    public static TopicPartition Parse(string partition) =>
        TopicPartitionJsonConverter.Parse(partition) ?? throw new FormatException($"\"{partition}\" is not a partition (\"topic-N\")");
}
