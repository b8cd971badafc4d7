using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.Broker;
using KafkaDemos.Consumers;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>Producing numbered records and reading a group's committed offsets, for the consumer tests.</summary>
public static class ConsumerKit
{
    /// <summary>
    /// A consumer config for <paramref name="group"/>. On the embedded broker a rebalance waits
    /// session.timeout.ms - 1 s; a shorter session keeps each one at about 2 s there.
    /// </summary>
    public static ConsumerConfig Config(KafkaFixture kafka, string group, string? assignment = null)
    {
        var config = kafka.ConsumerConfig(group);
        config.AutoCommitIntervalMs = 200;
        if (kafka.Kind == BrokerKind.Embedded)
        {
            EmbeddedGroupTiming.ApplyTo(config);
        }
        if (assignment is not null) config.Set("partition.assignment.strategy", assignment);
        return config;
    }

    /// <summary>The same settings as -X flags for a `demo consume` child process.</summary>
    public static string[] FastRebalanceArgs(KafkaFixture kafka) =>
        kafka.Kind == BrokerKind.Embedded ? [.. EmbeddedGroupTiming.Properties.SelectMany(p => new[] { "-X", p })] : [];

    /// <summary>Produces records key=i, value=i for i in [from, from+count), record i to partition i % partitions.</summary>
    /// <remarks>All are sent, then all awaited: one awaited send at a time waited about linger.ms for each (15 s
    /// for 10,000). Idempotence keeps each partition's records in the order sent, through any retry.</remarks>
    public static async Task ProduceAsync(KafkaFixture kafka, string topic, int count, int partitions, int from = 0)
    {
        var config = kafka.ProducerConfig();
        config.EnableIdempotence = true;
        using var producer = new ProducerBuilder<string, string>(config).Build();
        var sends = new List<Task>(count);
        for (int i = from; i < from + count; i++)
            sends.Add(producer.ProduceAsync(new TopicPartition(topic, i % partitions), new Message<string, string> { Key = i.ToString(), Value = i.ToString() }));
        await Task.WhenAll(sends);
    }

    public static async Task ProduceValuesAsync(KafkaFixture kafka, string topic, params string[] values)
    {
        using var producer = new ProducerBuilder<Null, string>(kafka.ProducerConfig()).Build();
        foreach (var v in values) await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<Null, string> { Value = v });
    }

    /// <summary>The group's committed offsets per partition ("topic-p" -> offset), read as any consumer of the group would.</summary>
    public static Dictionary<string, long> Committed(KafkaFixture kafka, string group, string topic, int partitions)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(kafka.ConsumerConfig(group)).Build();
        return consumer.Committed(Enumerable.Range(0, partitions).Select(p => new TopicPartition(topic, p)), TimeSpan.FromSeconds(10))
            .Where(p => p.Offset.Value >= 0)
            .ToDictionary(p => $"{p.Topic}-{p.Partition.Value}", p => p.Offset.Value);
    }

    public static ConsumeOptions Options(string topic, string? member = null) => new() { Topics = [topic], Member = member };

    /// <summary>The "partitions" of a child process's latest assignment, from its JSON events.</summary>
    public static HashSet<string> Assignment(IEnumerable<JsonElement> events)
    {
        var owned = new HashSet<string>();
        foreach (var e in events)
        {
            string? name = e.GetProperty("event").GetString();
            if (name is not ("assigned" or "revoked" or "lost")) continue;
            var partitions = e.GetProperty("partitions").EnumerateArray().Select(p => p.GetString()!).ToList();
            if (name == "assigned") owned.UnionWith(partitions);
            else owned.ExceptWith(partitions);
        }
        return owned;
    }
}
