using System.Text;
using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>A record's headers are shown: in the JSON `consumed` event and after the course's line in text mode.</summary>
public sealed class ConsumeHeadersTests(KafkaFixture kafka)
{
    private async Task<string> TopicWithHeadersAsync()
    {
        string topic = await kafka.CreateTopicAsync("headers", 1);
        using var producer = new ProducerBuilder<string, string>(kafka.ProducerConfig()).Build();
        var headers = new Headers { { "trace", Encoding.UTF8.GetBytes("abc-1") }, { "raw", [0xff, 0x00] } };
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "0", Value = "with", Headers = headers });
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "1", Value = "without" });
        return topic;
    }

    [Fact]
    public async Task Json_shows_each_header_and_a_record_without_headers_has_none()
    {
        string topic = await TopicWithHeadersAsync();

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "--topic", topic, "--group", KafkaFixture.UniqueName("g-h"), "--exit-at-end", "-o", "json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var consumed = result.OfEvent("consumed").ToList();
        var with = consumed.Single(e => e.GetProperty("value").GetString() == "with").GetProperty("headers");
        Assert.Equal("trace", with[0].GetProperty("key").GetString());
        Assert.Equal("abc-1", with[0].GetProperty("value").GetString());
        Assert.Equal(Convert.ToBase64String([0xff, 0x00]), with[1].GetProperty("value").GetString());
        Assert.True(with[1].GetProperty("base64").GetBoolean());
        // The control: no headers, no field.
        Assert.False(consumed.Single(e => e.GetProperty("value").GetString() == "without").TryGetProperty("headers", out _));
    }

    [Fact]
    public async Task Text_shows_the_headers_after_the_course_line()
    {
        string topic = await TopicWithHeadersAsync();

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "--topic", topic, "--group", KafkaFixture.UniqueName("g-h"), "--exit-at-end"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"{topic}-0-0 : (0 , with)  headers: trace=abc-1, raw=/wA=", result.Stdout);
        Assert.Contains($"{topic}-0-1 : (1 , without)\n", result.Stdout);
    }
}
