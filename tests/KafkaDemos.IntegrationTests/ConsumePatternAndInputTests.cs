using System.Text;
using System.Text.RegularExpressions;
using KafkaDemos.Admin;
using KafkaDemos.Consumers;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>`demo consume -t '^...'` reads every topic the pattern matches; every bad value of the new flags is exit 2 naming it.</summary>
public sealed class ConsumePatternAndInputTests(KafkaFixture kafka)
{
    [Fact]
    public async Task A_pattern_reads_every_matching_topic_and_no_other()
    {
        string prefix = KafkaFixture.UniqueName("pat");
        string a = await kafka.CreateTopicAsync($"{prefix}-a", 2);
        string b = await kafka.CreateTopicAsync($"{prefix}-b", 1);
        // The control: a topic the pattern must not match, though its name starts the same.
        string other = await kafka.CreateTopicAsync($"{prefix}-c", 1);
        await ConsumerKit.ProduceAsync(kafka, a, 6, partitions: 2);
        await ConsumerKit.ProduceAsync(kafka, b, 3, partitions: 1);
        await ConsumerKit.ProduceAsync(kafka, other, 3, partitions: 1);
        string pattern = $"^{Regex.Escape(prefix)}-[ab]-.*";

        var result = await DemoProcess.RunAsync(kafka.DemoArgs(["consume", "-t", pattern, "--group", KafkaFixture.UniqueName("g-pat"), "--from-beginning", "--exit-at-end",
            .. ConsumerKit.FastRebalanceArgs(kafka), "-o", "json"]));

        Assert.True(result.ExitCode == 0, result.ToString());
        var consumed = result.OfEvent("consumed").GroupBy(e => e.GetProperty("topic").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { [a] = 6, [b] = 3 }, consumed);
        var matched = result.Events.First(e => e.GetProperty("event").GetString() == "info" && e.GetProperty("message").GetString()!.StartsWith("Pattern", StringComparison.Ordinal));
        Assert.Contains($"{a}, {b}", matched.GetProperty("message").GetString());
        var assigned = result.OfEvent("assigned").SelectMany(e => e.GetProperty("partitions").EnumerateArray().Select(p => p.GetString()!));
        Assert.Equal([$"{a}-0", $"{a}-1", $"{b}-0"], assigned.Distinct().Order());
    }

    [Fact]
    public async Task A_pattern_member_reports_the_topics_it_matched_by_name_for_groups_watch()
    {
        string prefix = KafkaFixture.UniqueName("patrep");
        string a = await kafka.CreateTopicAsync($"{prefix}-a", 2);
        string b = await kafka.CreateTopicAsync($"{prefix}-b", 1);
        string status = await kafka.CreateTopicAsync("patrep-status", 1);
        await ConsumerKit.ProduceAsync(kafka, a, 4, partitions: 2);
        await ConsumerKit.ProduceAsync(kafka, b, 2, partitions: 1);
        string group = KafkaFixture.UniqueName("g-patrep");
        var sink = new RecordedEvents();

        var outcome = await SyncCommitConsumer.RunAsync(ConsumerKit.Config(kafka, group),
            ConsumerKit.Options($"^{Regex.Escape(prefix)}-.*") with { ExitAtEnd = true, StatusTopic = status }, sink, CancellationToken.None);
        var reports = TopicReader.ReadAll(kafka, status)
            .Select(r => MemberStatusReport.Parse(r.Message.Value is null ? null : Encoding.UTF8.GetBytes(r.Message.Value)))
            .OfType<MemberStatusReport>().Where(r => r.Group == group).ToList();

        Assert.True(outcome.Succeeded && outcome.Consumed == 6, string.Join("\n", sink.Events));
        // `groups watch` reads each reported topic's offsets by name: a pattern there would name no topic.
        var assigned = reports.Last(r => r.Change == "assigned");
        Assert.Equal([a, b], assigned.Topics);
    }

    public static TheoryData<string[], string> BadInput => new()
    {
        { ["--partition", "4", "--offset", "0"], "--partition 4 does not exist" },
        { ["--partition", "-1"], "--partition -1 does not exist" },
        { ["--partition", "0", "--offset", "99"], "--offset 99 is past the end" },
        { ["--partition", "0", "--offset", "seventeen"], "--offset 'seventeen' is not an offset" },
        { ["--partition", "0", "--offset", "-0"], "--offset '-0'" },
        { ["--partition", "0", "--offset", "@tomorrow"], "--offset '@tomorrow'" },
        { ["--partition", "0", "--offset", "0", "--format", "%p %x"], "unknown token '%x'" },
        { ["--partition", "0", "--offset", "0", "--format", "%p %"], "ends with a lone '%'" },
        { ["--partition", "0", "--offset", "0", "--format", @"%p\q"], @"unknown escape '\q'" },
        { ["--partition", "0", "--group", "g"], "--group belongs to a consumer group" },
        { ["--offset", "0", "--commit", "sync"], "--commit belongs to a consumer group" },
        { ["--partition", "0", "--from-beginning"], "--from-beginning belongs to a consumer group" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public async Task Bad_input_exits_2_naming_the_value(string[] flags, string message)
    {
        string topic = await kafka.CreateTopicAsync("badin", 4);
        await ConsumerKit.ProduceAsync(kafka, topic, 8, partitions: 4);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs(["consume", "-t", topic, "--exit-at-end", .. flags]));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(message, result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task Partition_reads_need_one_topic_by_name_and_format_is_for_text()
    {
        string topic = await kafka.CreateTopicAsync("badin", 1);
        string missing = KafkaFixture.UniqueName("nosuch");

        var two = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-t", missing, "-p", "0", "--exit-at-end"));
        var absent = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", missing, "-p", "0", "--exit-at-end"));
        var json = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-p", "0", "-f", "%s", "-o", "json"));
        var noMatch = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", $"^{missing}.*", "--exit-at-end"));
        var badPattern = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", "^(open", "--exit-at-end"));

        Assert.True(two.ExitCode == 2 && two.Stderr.Contains("read one topic by name"), two.ToString());
        Assert.True(absent.ExitCode == 2 && absent.Stderr.Contains($"'{missing}' does not exist"), absent.ToString());
        Assert.True(json.ExitCode == 2, json.ToString());
        Assert.Contains("--format '%s' shapes text lines", json.OfEvent("error").Single().GetProperty("message").GetString());
        Assert.True(noMatch.ExitCode == 2 && noMatch.Stderr.Contains($"'^{missing}.*' matches no topic"), noMatch.ToString());
        Assert.True(badPattern.ExitCode == 2 && badPattern.Stderr.Contains("'^(open' is not a regular expression"), badPattern.ToString());
    }
}
