using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>
/// The same question asked of kcat and of `demo consume`: one partition from one offset in one
/// format must give the same lines. Skipped where kcat is not installed.
/// </summary>
public sealed class ConsumeKcatTests(KafkaFixture kafka)
{
    private const string Format = @"%p %o %k %s %K %S %T %h\n";

    private static string Kcat()
    {
        string? found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "kcat")).FirstOrDefault(File.Exists);
        if (found is null) Assert.Skip("kcat is not installed");
        return found;
    }

    private static async Task<string> RunKcatAsync(string kcat, params string[] args)
    {
        var start = new ProcessStartInfo(kcat) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(bound.Token);
        Assert.True(process.ExitCode == 0, $"kcat exit {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    private async Task<string> TopicWithHeadersAsync()
    {
        string topic = await kafka.CreateTopicAsync("kcat", 3);
        using var producer = new ProducerBuilder<string, string>(kafka.ProducerConfig()).Build();
        for (int i = 0; i < 30; i++)
        {
            var headers = i % 3 == 0 ? null : new Headers { { "n", Encoding.UTF8.GetBytes($"{i}") }, { "from", Encoding.UTF8.GetBytes("test") } };
            await producer.ProduceAsync(new TopicPartition(topic, i % 3), new Message<string, string> { Key = $"k{i}", Value = $"välue {i}", Headers = headers });
        }
        return topic;
    }

    [Fact]
    public async Task A_partition_from_an_offset_prints_what_kcat_prints()
    {
        string kcat = Kcat();
        string topic = await TopicWithHeadersAsync();

        string expected = await RunKcatAsync(kcat, "-C", "-b", kafka.BootstrapServers, "-t", topic, "-p", "2", "-o", "4", "-e", "-q", "-f", Format);
        var demo = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "--partition", "2", "--offset", "4", "--exit-at-end", "--format", Format));

        Assert.True(demo.ExitCode == 0, demo.ToString());
        Assert.Equal(6, expected.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(expected, demo.Stdout);
    }

    [Fact]
    public async Task A_tombstone_with_a_header_from_kcat_shows_its_null_value_and_the_header()
    {
        string kcat = Kcat();
        string topic = await kafka.CreateTopicAsync("kcat-z", 1);
        string input = Path.GetTempFileName();
        await File.WriteAllTextAsync(input, "k1:\n");
        try
        {
            // -Z: an empty value is sent as null, a tombstone.
            await RunKcatAsync(kcat, "-P", "-b", kafka.BootstrapServers, "-t", topic, "-p", "0", "-Z", "-K:", "-H", "trace=abc", "-l", input);
        }
        finally
        {
            File.Delete(input);
        }

        var text = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "--offset", "beginning", "--exit-at-end", "--format", @"%k|%s|%K|%S|%h\n"));
        var json = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "--offset", "beginning", "--exit-at-end", "-o", "json"));

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Equal("k1|null|2|-1|trace=abc\n", text.Stdout);
        var record = json.OfEvent("consumed").Single();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, record.GetProperty("value").ValueKind);
        Assert.Equal("abc", record.GetProperty("headers")[0].GetProperty("value").GetString());
    }
}
