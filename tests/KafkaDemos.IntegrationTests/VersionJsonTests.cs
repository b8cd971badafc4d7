using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>`demo version -o json` is one event for scripts; text mode prints the lines of --version.</summary>
public sealed class VersionJsonTests
{
    [Fact]
    public async Task Version_in_json_is_one_version_event()
    {
        var result = await DemoProcess.RunAsync(["version", "-o", "json"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var version = Assert.Single(result.Events);
        Assert.Equal("version", version.GetProperty("event").GetString());
        Assert.StartsWith("2.", version.GetProperty("librdkafka").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(version.GetProperty("confluent_kafka").GetString()));
    }

    /// <summary>The control: without -o json, the text lines.</summary>
    [Fact]
    public async Task Version_in_text_prints_the_lines()
    {
        var result = await DemoProcess.RunAsync(["version"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("demo ", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("\nlibrdkafka 2.", result.Stdout);
        Assert.Empty(result.Events);
    }
}
