using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>The command line as a learner meets it: usage errors, versions, help, masking. No broker needed.</summary>
public sealed class CliTests
{
    [Fact]
    public async Task Unknown_command_exits_2_with_a_hint()
    {
        var result = await DemoProcess.RunAsync(["prodcue"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("prodcue", result.Stderr);
        Assert.Contains("--help", result.Stderr);
    }

    [Fact]
    public async Task Malformed_minus_X_exits_2_naming_the_value()
    {
        var result = await DemoProcess.RunAsync(["config", "show", "-X", "linger.ms"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("-X 'linger.ms'", result.Stderr);
    }

    [Fact]
    public async Task Malformed_config_file_exits_2_with_file_and_line_and_no_stack_trace()
    {
        string dir = Directory.CreateTempSubdirectory("kafkademos-cli-").FullName;
        string file = Path.Combine(dir, "bad.json");
        await File.WriteAllTextAsync(file, "{\n  \"Kafka\": {\n    \"Common\": { \"bootstrap.servers\": 9092,, }\n  }\n}\n");
        try
        {
            var result = await DemoProcess.RunAsync(["config", "show", "--config", file]);

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("bad.json", result.Stderr);
            Assert.Contains("line 3", result.Stderr);
            Assert.DoesNotContain("   at ", result.Stderr);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Unknown_client_property_exits_2_naming_it()
    {
        var result = await DemoProcess.RunAsync(["config", "show", "-X", "lingerr.ms=5"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'lingerr.ms'", result.Stderr);
    }

    [Fact]
    public async Task Config_show_masks_secrets_and_names_sources()
    {
        var result = await DemoProcess.RunAsync(["config", "show", "-X", "sasl.password=hunter2", "-o", "json"],
            environment: new Dictionary<string, string?> { ["KAFKA_CONSUMER_SESSION_TIMEOUT_MS"] = "9000" });

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("hunter2", result.Stdout);
        var consumer = result.OfEvent("table").First(t => t.GetProperty("title").GetString() == "Consumer client");
        var rows = consumer.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("property").GetString()!);
        Assert.Equal("********", rows["sasl.password"].GetProperty("value").GetString());
        Assert.Equal("flag -X", rows["sasl.password"].GetProperty("source").GetString());
        Assert.Equal("9000", rows["session.timeout.ms"].GetProperty("value").GetString());
        Assert.Equal("env KAFKA_CONSUMER_SESSION_TIMEOUT_MS", rows["session.timeout.ms"].GetProperty("source").GetString());
    }

    [Fact]
    public async Task Version_names_the_tool_the_client_and_the_native_library()
    {
        var result = await DemoProcess.RunAsync(["--version"]);

        Assert.Equal(0, result.ExitCode);
        // The versions come from Directory.Packages.props through the packages this test references too.
        Assert.Contains($"Confluent.Kafka {typeof(Confluent.Kafka.ProducerConfig).Assembly.GetName().Version!.ToString(3)}\n", result.Stdout);
        Assert.Contains($"librdkafka {Confluent.Kafka.Library.VersionString} (", result.Stdout);
        Assert.StartsWith("demo ", result.Stdout);
    }

    [Fact]
    public async Task Help_of_a_command_has_examples_and_exit_codes()
    {
        var result = await DemoProcess.RunAsync(["topics", "create", "--help"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Examples:", result.Stdout);
        Assert.Contains("Exit codes:", result.Stdout);
    }

    [Fact]
    public async Task Completion_answers_through_the_suggest_directive()
    {
        var script = await DemoProcess.RunAsync(["completion", "bash"]);
        var suggestions = await DemoProcess.RunAsync(["[suggest:14]", "demo topics de"]);

        Assert.Contains("[suggest:", script.Stdout);
        Assert.Contains("describe", suggestions.Stdout.Split('\n', StringSplitOptions.TrimEntries));
    }
}
