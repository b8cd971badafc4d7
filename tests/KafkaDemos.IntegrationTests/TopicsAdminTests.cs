using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>
/// `demo topics create` through the Admin API. The embedded broker has no CreateTopics, so these
/// run against real Kafka only (KAFKA_BOOTSTRAP_SERVERS or a Docker container) and skip elsewhere.
/// </summary>
public sealed class TopicsAdminTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Topics_create_makes_a_topic_with_the_asked_partitions_that_describe_shows()
    {
        kafka.RequireRealKafka("CreateTopics API");
        string topic = KafkaFixture.UniqueName("created");

        var created = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "create", topic, "--partitions", "3", "--replication-factor", "1"), Timeout);

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.Contains($"Created topic {topic} with 3 partitions", created.Stderr);
        var rows = await DescribeRowsAsync(topic);
        Assert.Equal([0, 1, 2], rows.Select(r => r.GetProperty("partition").GetInt32()).Order());
        Assert.All(rows, r => Assert.Equal(0, r.GetProperty("messages").GetInt64()));
    }

    [Fact]
    public async Task Topics_create_of_an_existing_topic_exits_2_and_says_so()
    {
        kafka.RequireRealKafka("CreateTopics API");
        string topic = await kafka.CreateTopicAsync("existing", 2);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "create", topic, "--partitions", "5", "--replication-factor", "1"), Timeout);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"Topic '{topic}' already exists", result.Stderr);
        Assert.Equal(2, (await DescribeRowsAsync(topic)).Count);
    }

    /// <summary>
    /// The rows of `demo topics describe`. A broker other than the controller may learn of a new
    /// topic a moment after CreateTopics returns, so "does not exist" is retried until a deadline.
    /// </summary>
    private async Task<List<System.Text.Json.JsonElement>> DescribeRowsAsync(string topic)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var result = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "describe", topic, "-o", "json"), Timeout);
            if (result.ExitCode == 0)
                return [.. result.OfEvent("table").Single().GetProperty("rows").EnumerateArray()];
            if (result.ExitCode != 2 || DateTime.UtcNow > deadline)
                Assert.Fail($"`demo topics describe {topic}` failed: {result}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}
