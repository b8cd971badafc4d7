using Confluent.Kafka;
using KafkaDemos.Broker;
using KafkaDemos.Configuration;

using KafkaDemos.Labs;
using KafkaDemos.Core;

namespace KafkaDemos.Tour;

/// <summary>What every chapter gets: the broker, ready client configs, the output, Ctrl+C.</summary>
public sealed class TourContext(DemoConfiguration config, LabBroker broker, Reporter output, bool trimOutput, CancellationToken cancellation)
{
    /// <summary>Bound of every read-back.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    public LabBroker Broker { get; } = broker;

    public Reporter Output { get; } = output;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>The chapter's live demo output, trimmed to a readable amount in text mode, observed by <paramref name="observers"/>.</summary>
    public Reporter LiveOutput(int lines = 6, params IObserver<DemoEvent>[] observers) =>
        Output.Showing(Shown.All, trimOutput ? lines : int.MaxValue).With(observers);

    public Task<string> NewTopicAsync(string prefix, int partitions) => Broker.CreateTopicAsync(config, prefix, partitions);

    public ProducerConfig ProducerConfig() => Broker.ProducerConfig(config);

    public ConsumerConfig ConsumerConfig(string group)
    {
        var consumer = Broker.ConsumerConfig(config);
        consumer.GroupId = group;
        if (Broker.Embedded is not null)
        {
            // The embedded broker lets every rebalance (a member joining or leaving) run for
            // session.timeout.ms - 1 s; Apache Kafka ends it as soon as every member has rejoined.
            EmbeddedGroupTiming.ApplyTo(consumer);
        }
        return consumer;
    }

    public List<StoredRecord> ReadBack(string topic) => Labs.ReadBack.All(Broker.ConsumerConfig(config), topic, ReadTimeout);

    public Check Check(string chapter, string what, bool passed, string detail = "")
    {
        Output.Emit(new CheckEvent(chapter, what, passed, detail));
        return new Check(what, passed, detail);
    }
}
