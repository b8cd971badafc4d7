using Confluent.Kafka;
using KafkaDemos.Broker;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>
/// A reset of a consumer's position is said as an event, not only logged: librdkafka raises nothing
/// else for it, yet the records after it are read again (earliest) or skipped (latest). The embedded
/// broker makes one on demand. It answers a committed-offset fetch with the partition's current leader
/// epoch, not the one committed; a member that starts there after a leader move, before anything is
/// written, holds a position in an epoch with no records. At the next leader move it validates that
/// position, the broker answers "no such epoch" (Apache Kafka answers the epoch's end), and librdkafka
/// falls back to auto.offset.reset. One record written after the first move gives the epoch an end and
/// nothing resets: the control, showing the reset comes from that condition and not from a move alone.
/// </summary>
public sealed class OffsetResetTests(KafkaFixture kafka)
{
    private const string Topic = "moved";
    private const int Records = 5;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_position_reset_to_the_beginning_is_an_event_naming_the_offset_it_left(bool writeAfterMove)
    {
        kafka.RequireEmbedded("moves a partition's leader");
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 2, Port = 0 });
        broker.CreateTopic(Topic, 1);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build();
        for (int i = 0; i < Records; i++) await producer.ProduceAsync(Topic, new Message<string, string> { Key = $"{i}", Value = $"v{i}" });
        var first = new RecordedEvents();
        var outcome = await SyncCommitConsumer.RunAsync(Config(broker), new ConsumeOptions { Topics = [Topic], ExitAtEnd = true }, first, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(outcome.Succeeded && first.Of<ConsumedEvent>().Count == Records, string.Join("\n", first.Events.Select(e => e.ToText())));

        MoveLeader(broker);
        if (writeAfterMove) await producer.ProduceAsync(Topic, new Message<string, string> { Key = "after", Value = "after" });
        var sink = new RecordedEvents();
        var config = Config(broker);
        config.EnablePartitionEof = true;
        using var consumer = new ConsumerBuilder<string, string>(config).SetLogHandler(ClientLog.Handler<IConsumer<string, string>>(sink)).Build();
        consumer.Subscribe(Topic);
        var before = ReadUntilEnd(consumer);
        Assert.Equal(writeAfterMove ? [Records] : [], before);

        MoveLeader(broker);
        // A record after the second move, so the read has an end to reach in both cases (the end of
        // partition is said once per offset, and the control's position does not move otherwise).
        var marker = await producer.ProduceAsync(Topic, new Message<string, string> { Key = "marker", Value = "marker" });
        var after = ReadUntilEnd(consumer);
        consumer.Close();

        if (writeAfterMove)
        {
            Assert.Equal([marker.Offset.Value], after);
            Assert.Empty(sink.Of<OffsetResetEvent>());
            return;
        }
        Assert.Equal(Enumerable.Range(0, Records + 1).Select(o => (long)o), after);
        var reset = Assert.Single(sink.Of<OffsetResetEvent>());
        Assert.Equal((Topic, 0, (long?)Records, "beginning"), (reset.Topic, reset.Partition, reset.From, reset.To));
        Assert.Contains($"{Topic}-0 restarts at the beginning, not at offset {Records}", reset.ToText());
        Assert.DoesNotContain(sink.Of<WarningEvent>(), w => w.Message.Contains("offset reset", StringComparison.Ordinal));
    }

    private static ConsumerConfig Config(EmbeddedBroker broker) => new()
    {
        BootstrapServers = broker.BootstrapServers,
        GroupId = "g-moved",
        AutoOffsetReset = AutoOffsetReset.Earliest,
        SessionTimeoutMs = EmbeddedGroupTiming.SessionTimeoutMs,
        HeartbeatIntervalMs = EmbeddedGroupTiming.HeartbeatIntervalMs,
    };

    private static void MoveLeader(EmbeddedBroker broker)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
        int leader = admin.GetMetadata(Topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Single().Leader;
        broker.Cluster.SetPartitionLeader(Topic, 0, leader == 1 ? 2 : 1);
    }

    /// <summary>The offsets read until the partition's end (its EOF event), within <see cref="Bound"/>.</summary>
    private static List<long> ReadUntilEnd(IConsumer<string, string> consumer)
    {
        var offsets = new List<long>();
        var until = DateTime.UtcNow + Bound;
        while (DateTime.UtcNow < until)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (record is null) continue;
            if (record.IsPartitionEOF) return offsets;
            offsets.Add(record.Offset.Value);
        }
        throw new TimeoutException($"the partition's end not reached within {Bound.TotalSeconds:0} s (read {string.Join(", ", offsets)})");
    }
}
