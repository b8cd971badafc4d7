using Confluent.Kafka;

namespace KafkaDemos.Consumers;

/// <summary>
/// The partition of each record, found without an object or a string per record.
/// Why: ConsumeResult.TopicPartition builds a new TopicPartition on every read, and the topic's
/// name is a string copied out of the native client for every record, about 80 bytes per record
/// that a benchmark's million records turned into garbage. Records come in runs from one
/// partition (a fetched batch), so the previous record's TopicPartition is kept and used again;
/// and when the consumer subscribes to one topic by name, a record need not carry it at all
/// (dotnet.consumer.consume.result.fields without "topic", as the benchmark sets it).
/// </summary>
public sealed partial class ConsumerReport
{
    private TopicPartition? _lastPartition;

    /// <summary>The subscription's one topic; null for several topics or a pattern (^...), whose records must name theirs.</summary>
    private string? OnlyTopic => _options.Topics is [var topic] && !topic.StartsWith('^') ? topic : null;

    /// <summary>The record's topic and partition: the previous record's object when they are the same.</summary>
    private TopicPartition PartitionOf<TKey, TValue>(ConsumeResult<TKey, TValue> record)
    {
        string? topic = record.Topic ?? OnlyTopic;
        var last = _lastPartition;
        if (last is not null && last.Partition == record.Partition && string.Equals(last.Topic, topic, StringComparison.Ordinal)) return last;
        return _lastPartition = new TopicPartition(topic, record.Partition);
    }
}
