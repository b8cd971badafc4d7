using System.Text.RegularExpressions;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>Each `demo consume` in its own terminal gets a client id of its own, so `groups watch` tells the members apart.</summary>
public sealed partial class ConsumeClientIdTests(KafkaFixture kafka)
{
    [GeneratedRegex(@"as client '([^']+)'")]
    private static partial Regex ClientId();

    private async Task<string> ClientIdOfAsync(string topic, params string[] extra)
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs(["consume", "--topic", topic, "--group", KafkaFixture.UniqueName("g-id"), "--exit-at-end", .. extra]));
        Assert.True(result.ExitCode == 0, result.ToString());
        var match = ClientId().Match(result.Stderr);
        Assert.True(match.Success, result.Stderr);
        return match.Groups[1].Value;
    }

    [Fact]
    public async Task Two_consumers_started_with_the_defaults_have_different_client_ids()
    {
        string topic = await kafka.CreateTopicAsync("client-id", 1);
        await ConsumerKit.ProduceAsync(kafka, topic, 3, partitions: 1);

        string first = await ClientIdOfAsync(topic);
        string second = await ClientIdOfAsync(topic);

        Assert.StartsWith("kafka-demos-", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
    }

    /// <summary>The control: a client id given on purpose is kept as it is.</summary>
    [Fact]
    public async Task A_client_id_given_with_X_is_kept()
    {
        string topic = await kafka.CreateTopicAsync("client-id-given", 1);
        await ConsumerKit.ProduceAsync(kafka, topic, 3, partitions: 1);

        Assert.Equal("terminal-2", await ClientIdOfAsync(topic, "-X", "client.id=terminal-2"));
    }
}
