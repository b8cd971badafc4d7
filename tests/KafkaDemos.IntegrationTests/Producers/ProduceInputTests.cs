using System.Text;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Producers;

/// <summary>`demo produce` with what a new user feeds it: piped output, raw stdin bytes, templates, huge values.</summary>
public sealed class ProduceInputTests(KafkaFixture kafka)
{
    [Theory]
    [InlineData("async")]
    [InlineData("fire-and-forget")]
    public async Task Text_mode_prints_every_message_to_a_pipe(string mode)
    {
        // Far above any per-second sampling rate: a sampled writer would keep only a fraction.
        const int count = 2000;
        string topic = await kafka.CreateTopicAsync("every-line", 2);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--mode", mode, "--topic", topic, "-n", count.ToString()));

        Assert.True(result.ExitCode == 0, result.ToString());
        var keys = result.Stdout.Split('\n').Where(l => l.StartsWith("key=", StringComparison.Ordinal))
            .Select(l => l["key=".Length..l.IndexOf(',')]).ToList();
        Assert.Equal(count, keys.Count);
        Assert.Equal(Enumerable.Range(0, count).Select(i => i.ToString()).Order(), keys.Order());
        Assert.DoesNotContain("not shown", result.Stderr);
    }

    [Fact]
    public async Task Stdin_lines_arrive_byte_for_byte_and_empty_lines_are_counted_as_skipped()
    {
        string topic = await kafka.CreateTopicAsync("stdin-bytes", 1);
        string[] lines = ["grüße", "", "日本語 ✓", "", "", "tab\there"];

        var result = await DemoProcess.RunWithInputBytesAsync(kafka.DemoArgs("produce", "--topic", topic, "--stdin", "-o", "json"),
            Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var written = TopicReader.ReadAll(kafka, topic).Select(r => r.Message.Value).ToList();
        Assert.Equal(lines.Where(l => l.Length > 0), written);
        Assert.Equal(3, result.Summary.GetProperty("sent").GetInt64());
        Assert.Equal(3, result.Summary.GetProperty("skipped_empty_lines").GetInt64());
    }

    [Fact]
    public async Task A_stdin_line_that_is_not_utf8_is_refused_with_exit_2_naming_it_after_the_lines_before_it()
    {
        string topic = await kafka.CreateTopicAsync("stdin-bad-utf8", 1);
        byte[] input = [.. "first\n"u8, .. "bad "u8, 0xFF, 0xFE, .. "\n"u8, .. "third\n"u8];

        var result = await DemoProcess.RunWithInputBytesAsync(kafka.DemoArgs("produce", "--topic", topic, "--stdin"), input);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("input line 2 is not valid UTF-8", result.Stderr);
        Assert.Contains("0xFF", result.Stderr);
        Assert.Equal(["first"], TopicReader.ReadAll(kafka, topic).Select(r => r.Message.Value));
    }

    [Theory]
    [InlineData("async", "--value", "x{n%0}", "{n%0}")]
    [InlineData("fire-and-forget", "--value", "x{n%0}", "{n%0}")]
    [InlineData("sync", "--value", "x{n%99999999999999999999}", "{n%99999999999999999999}")]
    [InlineData("idempotent", "--key", "k{n%0}", "{n%0}")]
    [InlineData("json", "--value", "{\"n\": {n%0}}", "{n%0}")]
    [InlineData("async", "--header", "h=v{n%0}", "{n%0}")]
    public async Task A_template_that_cannot_render_is_refused_up_front_in_every_mode(string mode, string flag, string template, string named)
    {
        string topic = await kafka.CreateTopicAsync("bad-template", 1);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--mode", mode, "--topic", topic, "-n", "3", flag, template));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(flag, result.Stderr);
        Assert.Contains(named, result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
        Assert.Empty(TopicReader.ReadAll(kafka, topic, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task A_failed_10_MB_value_shows_its_real_size_in_text_and_json()
    {
        string topic = await kafka.CreateTopicAsync("huge", 1);
        const int size = 10 * 1024 * 1024;

        var text = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--topic", topic, "-n", "1", "--size", size.ToString()));
        var json = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--topic", topic, "-n", "1", "--size", size.ToString(), "-o", "json"));

        // Above message.max.bytes (1 MB by default): the client refuses it, and says what it refused.
        Assert.True(text.ExitCode == 1, text.ToString());
        Assert.Contains($"({size} chars)", text.Stderr);
        Assert.DoesNotContain("(1000 chars)", text.Stderr);
        var failed = json.OfEvent("delivery_failed").Single();
        Assert.True(failed.GetProperty("value_shortened").GetBoolean());
        Assert.Equal(size, failed.GetProperty("value_length").GetInt32());
        Assert.True(failed.GetProperty("value").GetString()!.Length < size);
    }

    [Fact]
    public async Task A_short_value_is_not_marked_shortened()
    {
        string topic = await kafka.CreateTopicAsync("short", 1);

        var json = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--topic", topic, "-n", "1", "-o", "json"));

        var delivered = json.OfEvent("delivered").Single();
        Assert.False(delivered.TryGetProperty("value_shortened", out _));
        Assert.False(delivered.TryGetProperty("value_length", out _));
    }
}
