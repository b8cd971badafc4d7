using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Labs;

/// <summary>
/// The labs against `demo broker` in another process, the README's dev broker: it answers but
/// cannot create topics, so a lab that needs exact partition counts says what to run instead,
/// at once, and leaves no topic behind.
/// </summary>
public sealed class LabsOnDemoBrokerTests
{
    [Theory]
    [InlineData("commits")]
    [InlineData("delivery")]
    public async Task A_lab_on_demo_broker_says_to_add_embedded_and_leaves_no_topic(string lab)
    {
        await using var broker = DemoProcess.Start(["broker", "--port", "0", "--brokers", "1", "-o", "json"]);
        var started = await broker.WaitForEventAsync("broker_started", TimeSpan.FromSeconds(30));
        string bootstrap = started.GetProperty("bootstrap_servers").GetString()!;
        var before = Topics(bootstrap);

        var result = await DemoProcess.RunAsync(["lab", lab, "-b", bootstrap], TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 2, result.ToString());
        string[] errors = result.Stderr.Split('\n').Where(l => l.StartsWith("Error:", StringComparison.Ordinal)).ToArray();
        Assert.Single(errors);
        Assert.Contains("cannot create topics", errors[0]);
        Assert.Contains("--embedded", errors[0]);
        Assert.Equal(before, Topics(bootstrap));

        broker.Terminate();
        await broker.WaitForExitAsync(TimeSpan.FromSeconds(15));
    }

    private static List<string> Topics(string bootstrap)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).SetLogHandler((_, _) => { }).Build();
        return admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.Select(t => t.Topic).Order().ToList();
    }
}
