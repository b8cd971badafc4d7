using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Producers;

/// <summary>
/// Tombstones, keyless records and headers from `demo produce`, read back by a plain consumer
/// (and by kcat where it is installed): what reaches Kafka, in every mode.
/// </summary>
public sealed class ProduceNullsAndHeadersTests(KafkaFixture kafka)
{
    [Theory]
    [InlineData("async")]
    [InlineData("sync")]
    [InlineData("fire-and-forget")]
    [InlineData("idempotent")]
    [InlineData("json")]
    public async Task Null_value_sends_tombstones_with_their_keys_and_headers_in_every_mode(string mode)
    {
        string topic = await kafka.CreateTopicAsync("tombstone", 2);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--mode", mode, "--topic", topic, "-n", "3", "--key", "user-{n}", "--null-value", "-H", "op=delete", "-H", "seq={n}", "-H", "empty="));
        // The control: the same run without --null-value writes values, so the check below can fail.
        var control = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--mode", mode, "--topic", topic, "-n", "1", "--key", "fixed:control"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(control.ExitCode == 0, control.ToString());
        var records = TopicReader.ReadAll(kafka, topic);
        var tombstones = records.Where(r => r.Message.Key != "control").OrderBy(r => r.Message.Key).ToList();
        Assert.Equal(["user-0", "user-1", "user-2"], tombstones.Select(r => r.Message.Key));
        Assert.All(tombstones, r => Assert.Null(r.Message.Value));
        Assert.NotNull(records.Single(r => r.Message.Key == "control").Message.Value);
        foreach (var (record, n) in tombstones.Select((r, i) => (r, i)))
        {
            Assert.Equal(["op", "seq", "empty"], record.Message.Headers.Select(h => h.Key));
            Assert.Equal("delete", Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes("op")));
            Assert.Equal(n.ToString(), Encoding.UTF8.GetString(record.Message.Headers.GetLastBytes("seq")));
            // KEY= is an empty value, not a missing one.
            Assert.Empty(record.Message.Headers.GetLastBytes("empty"));
        }
        var controlHeaders = records.Single(r => r.Message.Key == "control").Message.Headers;
        Assert.True(controlHeaders is null || controlHeaders.Count == 0);
    }

    [Theory]
    [InlineData("async")]
    [InlineData("sync")]
    [InlineData("fire-and-forget")]
    [InlineData("idempotent")]
    [InlineData("json")]
    public async Task Null_key_sends_keyless_records_and_the_lines_say_key_null(string mode)
    {
        string topic = await kafka.CreateTopicAsync("keyless", 2);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--mode", mode, "--topic", topic, "-n", "4", "--null-key", "-o", "json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        var records = TopicReader.ReadAll(kafka, topic);
        Assert.Equal(4, records.Count);
        Assert.All(records, r => Assert.Null(r.Message.Key));
        Assert.All(records, r => Assert.NotNull(r.Message.Value));
        var lines = result.OfEvent(mode == "fire-and-forget" ? "sent" : "delivered").ToList();
        Assert.Equal(4, lines.Count);
        Assert.All(lines, e => Assert.Equal(System.Text.Json.JsonValueKind.Null, e.GetProperty("key").ValueKind));
    }

    [Theory]
    [InlineData("async")]
    [InlineData("fire-and-forget")]
    [InlineData("json")]
    public async Task Json_input_lines_give_null_keys_null_values_and_headers(string mode)
    {
        string topic = await kafka.CreateTopicAsync("json-lines", 1);
        string input = string.Join("\n",
            """{"key": "k1", "value": null, "headers": {"by": "me", "nothing": null}}""",
            """{"key": null, "value": "{\"num\": 2}"}""",
            """{"value": {"num": 3}, "headers": [{"key": "raw", "value": "/wA=", "base64": true}, {"key": "by", "value": "you"}]}""") + "\n";

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--mode", mode, "--topic", topic, "--stdin", "--input-format", "json", "-o", "json"), stdin: input);

        Assert.True(result.ExitCode == 0, result.ToString());
        var records = TopicReader.ReadAll(kafka, topic).OrderBy(r => r.Offset.Value).ToList();
        Assert.Equal(3, records.Count);
        Assert.Equal("k1", records[0].Message.Key);
        Assert.Null(records[0].Message.Value);
        Assert.Equal("me", Encoding.UTF8.GetString(records[0].Message.Headers.GetLastBytes("by")));
        Assert.Null(records[0].Message.Headers.GetLastBytes("nothing"));
        Assert.Null(records[1].Message.Key);
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(records[1].Message.Value!).RootElement.GetProperty("num").GetInt32());
        Assert.Null(records[2].Message.Key);
        Assert.Equal(3, System.Text.Json.JsonDocument.Parse(records[2].Message.Value!).RootElement.GetProperty("num").GetInt32());
        Assert.Equal([0xff, 0x00], records[2].Message.Headers.GetLastBytes("raw"));
        Assert.Equal("you", Encoding.UTF8.GetString(records[2].Message.Headers.GetLastBytes("by")));
        Assert.Equal(3, result.Summary.GetProperty("sent").GetInt64());
    }

    [Fact]
    public async Task A_consumed_event_sent_again_as_a_json_line_arrives_with_the_same_key_value_and_headers()
    {
        string source = await kafka.CreateTopicAsync("round-trip-from", 1);
        string copy = await kafka.CreateTopicAsync("round-trip-to", 1);
        var produced = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--topic", source, "-n", "2", "--key", "user-{n}", "--null-value", "-H", "op=delete"));
        Assert.True(produced.ExitCode == 0, produced.ToString());
        var consumed = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "--topic", source, "--group", KafkaFixture.UniqueName("g-rt"), "--exit-at-end", "-o", "json"));
        Assert.True(consumed.ExitCode == 0, consumed.ToString());
        // `demo consume` shows the tombstones and their headers.
        var events = consumed.OfEvent("consumed").ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(System.Text.Json.JsonValueKind.Null, e.GetProperty("value").ValueKind));
        Assert.All(events, e => Assert.Equal("op=delete", string.Join(",", e.GetProperty("headers").EnumerateArray().Select(h => $"{h.GetProperty("key").GetString()}={h.GetProperty("value").GetString()}"))));
        var lines = events.Select(e => e.GetRawText()).ToList();

        var again = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--topic", copy, "--stdin", "--input-format", "json"), stdin: string.Join("\n", lines) + "\n");

        Assert.True(again.ExitCode == 0, again.ToString());
        var records = TopicReader.ReadAll(kafka, copy).OrderBy(r => r.Message.Key).ToList();
        Assert.Equal(["user-0", "user-1"], records.Select(r => r.Message.Key));
        Assert.All(records, r => Assert.Null(r.Message.Value));
        Assert.All(records, r => Assert.Equal("delete", Encoding.UTF8.GetString(r.Message.Headers.GetLastBytes("op"))));
    }

    [Fact]
    public async Task Kcat_reads_the_tombstone_as_NULL_and_the_headers()
    {
        if (!File.Exists("/usr/bin/kcat")) Assert.Skip("kcat is not installed (/usr/bin/kcat): apt-get install kcat");
        string topic = await kafka.CreateTopicAsync("kcat", 1);
        var result = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--topic", topic, "-n", "1", "--key", "fixed:gone", "--null-value", "-H", "op=delete", "-H", "empty="));
        var control = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--topic", topic, "-n", "1", "--key", "fixed:kept"));
        Assert.True(result.ExitCode == 0 && control.ExitCode == 0, result.ToString() + control);

        var lines = await KcatAsync("-C", "-b", kafka.BootstrapServers, "-t", topic, "-e", "-q", "-Z", "-f", "%k|%s|%h\\n");

        Assert.Equal(["gone|NULL|op=delete,empty=", "kept|msg_0|"], lines);
    }

    [Theory]
    [InlineData(new[] { "-H", "nokey" }, "--header 'nokey'")]
    [InlineData(new[] { "-H", "=value" }, "--header '=value'")]
    [InlineData(new[] { "--null-value", "--value", "x" }, "--value 'x'")]
    [InlineData(new[] { "--null-key", "--key", "k{n}" }, "--key 'k{n}'")]
    [InlineData(new[] { "--input-format", "json" }, "--stdin")]
    [InlineData(new[] { "--input-format", "yaml" }, "'yaml'")]
    public async Task Bad_null_and_header_flags_exit_2_naming_the_value_and_send_nothing(string[] flags, string named)
    {
        string topic = await kafka.CreateTopicAsync("bad-flags", 1);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs(["produce", "--topic", topic, "-n", "2", .. flags]));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.Stderr);
        Assert.DoesNotContain("Exception", result.Stderr);
        Assert.Empty(TopicReader.ReadAll(kafka, topic, TimeSpan.FromSeconds(2)));
    }

    [Theory]
    [InlineData("""{"key": "b"}""", "has no \"value\"")]
    [InlineData("not json", "is not valid JSON")]
    [InlineData("""["a"]""", "is not a JSON object")]
    [InlineData("""{"value": "x", "headers": {"h": 1}}""", "header 'h'")]
    [InlineData("""{"value": "x", "headers": [{"key": "h", "value": "%%", "base64": true}]}""", "not base64")]
    public async Task A_bad_json_line_stops_the_run_with_exit_2_naming_it_after_the_lines_before_it(string bad, string named)
    {
        string topic = await kafka.CreateTopicAsync("bad-json-line", 1);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("produce", "--topic", topic, "--stdin", "--input-format", "json"),
            stdin: "{\"key\": \"a\", \"value\": \"first\"}\n" + bad + "\n{\"value\": \"third\"}\n");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("input line 2", result.Stderr);
        Assert.Contains(named, result.Stderr);
        Assert.Equal(["first"], TopicReader.ReadAll(kafka, topic).Select(r => r.Message.Value));
    }

    private static async Task<List<string>> KcatAsync(params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/kcat") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var kcat = Process.Start(start)!;
        var stdout = kcat.StandardOutput.ReadToEndAsync();
        var stderr = kcat.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await kcat.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            kcat.Kill();
            throw new TimeoutException($"kcat did not exit within 30 s: {await stderr}");
        }
        Assert.True(kcat.ExitCode == 0, $"kcat exit {kcat.ExitCode}: {await stderr}");
        return [.. (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
