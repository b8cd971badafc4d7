using System.Text;
using Confluent.Kafka;
using KafkaDemos.Core;
using KafkaDemos.IntegrationTests.Infrastructure;
using KafkaDemos.Producers;

namespace KafkaDemos.IntegrationTests.Producers;

/// <summary>Each producer mode run in-process, the topic read back independently.</summary>
public sealed class ProducerModeTests(KafkaFixture kafka)
{
    private ProducerConfig Config() => new(kafka.ProducerConfig()) { MessageTimeoutMs = 10_000 };

    private static ProduceOptions Options(string topic, int count) => new() { Topic = topic, Count = count, FlushTimeout = TimeSpan.FromSeconds(15) };

    [Theory]
    [InlineData("fire-and-forget")]
    [InlineData("sync")]
    [InlineData("async")]
    [InlineData("idempotent")]
    [InlineData("json")]
    public async Task Every_mode_delivers_exactly_count_messages_with_their_keys_values_and_per_partition_order(string mode)
    {
        string topic = await kafka.CreateTopicAsync("produce-" + mode, 3);
        var sink = new RecordedEvents();

        var result = await ProducerDemos.Modes[mode](Config(), Options(topic, 20), sink, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", sink.Events));
        Assert.Equal(20, result.Sent);
        Assert.Equal(mode == "fire-and-forget" ? null : 20, result.Delivered);
        var records = TopicReader.ReadAll(kafka, topic);
        Assert.Equal(20, records.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i.ToString()).Order(), records.Select(r => r.Message.Key).Order());
        foreach (var r in records)
            Assert.Equal(mode == "json" ? $$"""{"num":{{r.Message.Key}}}""" : "msg_" + r.Message.Key, r.Message.Value);
        foreach (var partition in records.GroupBy(r => r.Partition.Value))
        {
            var numbers = partition.OrderBy(r => r.Offset.Value).Select(r => int.Parse(r.Message.Key!)).ToList();
            Assert.Equal(numbers.Order(), numbers);
        }
        if (mode != "fire-and-forget")
        {
            // Every delivery report names where the message really is.
            var reported = sink.Of<DeliveredEvent>().Select(d => (d.Key, d.Partition, d.Offset)).ToHashSet();
            Assert.Equal(records.Select(r => (r.Message.Key, r.Partition.Value, (long?)r.Offset.Value)).ToHashSet(), reported);
        }
    }

    [Fact]
    public async Task The_same_key_always_lands_on_the_same_partition()
    {
        string topic = await kafka.CreateTopicAsync("samekey", 4);

        var result = await AsyncCallbackProducer.RunAsync(Config(), Options(topic, 30) with { Key = KeySpec.Parse("k{n%3}") }, new RecordedEvents(), CancellationToken.None);

        Assert.True(result.Succeeded);
        var records = TopicReader.ReadAll(kafka, topic);
        Assert.Equal(30, records.Count);
        Assert.All(records.GroupBy(r => r.Message.Key), g => Assert.Single(g.Select(r => r.Partition.Value).Distinct()));
        Assert.Equal(["k0", "k1", "k2"], records.Select(r => r.Message.Key).Distinct().Order());
    }

    [Fact]
    public async Task Partition_flag_puts_every_message_on_that_partition_and_headers_arrive()
    {
        string topic = await kafka.CreateTopicAsync("partition", 4);
        var options = Options(topic, 10) with { Partition = 2, Headers = [new("source", "demo"), new("seq", "{n}")] };

        var result = await SyncProducer.RunAsync(Config(), options, new RecordedEvents(), CancellationToken.None);

        Assert.True(result.Succeeded);
        var records = TopicReader.ReadAll(kafka, topic);
        Assert.Equal(10, records.Count);
        Assert.All(records, r => Assert.Equal(2, r.Partition.Value));
        Assert.All(records, r =>
        {
            Assert.Equal("demo", Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("source")));
            Assert.Equal(r.Message.Key, Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("seq")));
        });
    }

    [Fact]
    public async Task Json_mode_records_read_back_equal_to_what_was_sent()
    {
        string topic = await kafka.CreateTopicAsync("json-task", 2);

        var result = await JsonProducer.RunAsync(Config(), Options(topic, 5) with { Record = JsonRecordKind.Task }, new RecordedEvents(), CancellationToken.None);

        Assert.True(result.Succeeded);
        var serializer = new JsonValueSerializer<CourseTask>();
        var read = TopicReader.ReadAll(kafka, topic)
            .Select(r => serializer.Deserialize(Encoding.UTF8.GetBytes(r.Message.Value!), false, SerializationContext.Empty))
            .OrderBy(t => t.TaskId).ToList();
        Assert.Equal(Enumerable.Range(0, 5).Select(i => new CourseTask(i, "XXX", "XXX", "XXX")), read);
    }

    [Fact]
    public async Task Json_mode_sends_a_user_template_as_json()
    {
        string topic = await kafka.CreateTopicAsync("json-own", 1);
        var options = Options(topic, 3) with { Value = """{"id": {n}, "item": "book"}""" };

        var result = await JsonProducer.RunAsync(Config(), options, new RecordedEvents(), CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(["""{"id":0,"item":"book"}""", """{"id":1,"item":"book"}""", """{"id":2,"item":"book"}"""],
            TopicReader.ReadAll(kafka, topic).OrderBy(r => r.Offset.Value).Select(r => r.Message.Value));
    }

    [Fact]
    public async Task Acks_0_delivers_without_offsets_in_the_reports()
    {
        string topic = await kafka.CreateTopicAsync("acks0", 2);
        var sink = new RecordedEvents();

        var result = await AsyncCallbackProducer.RunAsync(new ProducerConfig(Config()) { Acks = Acks.None }, Options(topic, 20), sink, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(20, result.Delivered);
        Assert.All(sink.Of<DeliveredEvent>(), d => Assert.Null(d.Offset));
        // The embedded broker does not drop: every message is there. (Real Kafka may, under acks=0.)
        if (kafka.Kind == BrokerKind.Embedded) Assert.Equal(20, TopicReader.ReadAll(kafka, topic).Count);
    }

    [Fact]
    public async Task Fire_and_forget_waits_out_a_full_local_queue_and_drops_nothing()
    {
        string topic = await kafka.CreateTopicAsync("queuefull", 2);
        var config = new ProducerConfig(Config()) { QueueBufferingMaxMessages = 5 };
        var sink = new RecordedEvents();

        var result = await FireAndForgetProducer.RunAsync(config, Options(topic, 300) with { Size = 200 }, sink, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("\n", sink.Events));
        Assert.NotEmpty(sink.Of<QueueFullEvent>());
        Assert.Equal(300, TopicReader.ReadAll(kafka, topic).Count);
    }

    [Fact]
    public async Task A_bad_input_line_stops_the_run_with_a_usage_error_after_sending_the_lines_before_it()
    {
        string topic = await kafka.CreateTopicAsync("stdin", 1);
        var options = Options(topic, int.MaxValue) with { Input = new StringReader("a:1\nb:2\nno separator\nc:3\n"), KeySeparator = ":", Key = KeySpec.None };
        var sink = new RecordedEvents();

        var error = await Assert.ThrowsAsync<UsageException>(() => AsyncCallbackProducer.RunAsync(Config(), options, sink, CancellationToken.None));

        Assert.Contains("'no separator'", error.Message);
        Assert.Equal([("a", "1"), ("b", "2")], TopicReader.ReadAll(kafka, topic).Select(r => (r.Message.Key!, r.Message.Value!)));
    }
}
