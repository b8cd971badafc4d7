using System.Text.RegularExpressions;
using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>
/// `demo consume --partition P --offset O`: one partition from one place, without a group, as
/// kcat -C -p 2 -o 17 -e: exactly that partition's records from there, and nothing committed anywhere.
/// </summary>
public sealed partial class ConsumePartitionTests(KafkaFixture kafka)
{
    private const int Partitions = 4;

    /// <summary>A topic whose partition p holds values p, p+4, p+8, ... (ConsumerKit's layout): partition 2 has 25 records, offsets 0..24.</summary>
    private async Task<string> FilledTopicAsync(int count = 100)
    {
        string topic = await kafka.CreateTopicAsync("bypart", Partitions);
        await ConsumerKit.ProduceAsync(kafka, topic, count, Partitions);
        return topic;
    }

    private static List<string> Lines(string stdout) => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>The group.id the .NET client had to be given, as the start names it.</summary>
    private static string UnusedGroupId(string stderr) => GroupIdLine().Match(stderr) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"no group.id in the start line:\n{stderr}");

    [GeneratedRegex("group.id '([^']+)' only because")]
    private static partial Regex GroupIdLine();

    /// <summary>No committed offset of <paramref name="group"/> for any partition of the topic, and on a broker that lists groups, no such group.</summary>
    private async Task AssertNoGroupAsync(string group, string topic)
    {
        Assert.Empty(ConsumerKit.Committed(kafka, group, topic, Partitions));
        if (kafka.Kind == BrokerKind.Embedded) return;
        using var admin = new AdminClientBuilder(kafka.AdminConfig()).Build();
        var groups = await admin.ListConsumerGroupsAsync();
        Assert.DoesNotContain(groups.Valid, g => g.GroupId == group);
    }

    [Fact]
    public async Task Partition_2_from_offset_17_prints_exactly_those_records_in_the_format_and_commits_nothing()
    {
        string topic = await FilledTopicAsync();

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "--partition", "2", "--offset", "17", "--exit-at-end", "--format", @"%p %o %k %s\n"));

        Assert.True(result.ExitCode == 0, result.ToString());
        // Partition 2's record at offset o is number 2 + 4o (key and value alike); it holds offsets 0..24.
        var expected = Enumerable.Range(17, 8).Select(o => $"2 {o} {2 + 4 * o} {2 + 4 * o}").ToList();
        Assert.Equal(expected, Lines(result.Stdout));
        Assert.Contains("without a consumer group", result.Stderr.Split('\n')[0]);
        Assert.Contains("nothing committed", result.Stderr.Split('\n')[0]);
        await AssertNoGroupAsync(UnusedGroupId(result.Stderr), topic);
        // The configuration's group (tdea by default) is not used either.
        await AssertNoGroupAsync("tdea", topic);
    }

    [Fact]
    public async Task Negative_control_the_no_commit_check_sees_the_commits_of_a_group_run()
    {
        string topic = await FilledTopicAsync(20);
        string group = KafkaFixture.UniqueName("g-control");

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "--group", group, "--from-beginning", "--exit-at-end"));

        Assert.True(result.ExitCode == 0, result.ToString());
        await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => AssertNoGroupAsync(group, topic));
    }

    [Fact]
    public async Task Minus_N_reads_the_last_N_records_and_beginning_all_of_them()
    {
        string topic = await FilledTopicAsync();

        var last = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-p", "1", "--offset", "-3", "--exit-at-end", "-f", "%o"));
        var all = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-p", "1", "-p", "3", "--offset", "beginning", "--exit-at-end", "-f", "%p-%o"));
        var everyPartition = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "--offset", "-1", "--exit-at-end", "-f", "%p-%o"));
        var byDefault = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-p", "1", "--exit-at-end"));

        Assert.True(last.ExitCode == 0, last.ToString());
        Assert.Equal(["22", "23", "24"], Lines(last.Stdout));
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal(50, Lines(all.Stdout).Count);
        Assert.Equal(["1", "3"], Lines(all.Stdout).Select(l => l.Split('-')[0]).Distinct().Order());
        // --offset alone: every partition, each from its own last record.
        Assert.True(everyPartition.ExitCode == 0, everyPartition.ToString());
        Assert.Equal(["0-24", "1-24", "2-24", "3-24"], Lines(everyPartition.Stdout).Order());
        // --partition alone starts at the end, as kcat does: nothing to print before new records come.
        Assert.True(byDefault.ExitCode == 0, byDefault.ToString());
        Assert.Empty(Lines(byDefault.Stdout));
        Assert.Contains("from its end, offset 25", byDefault.Stderr);
    }

    /// <summary>Ten records one second apart by their own timestamps (CreateTime set by the producer).</summary>
    private async Task<(string Topic, long Base)> TimedTopicAsync()
    {
        string topic = await kafka.CreateTopicAsync("bytime", 1);
        long first = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 60_000;
        using var producer = new ProducerBuilder<string, string>(kafka.ProducerConfig()).Build();
        for (int i = 0; i < 10; i++)
            await producer.ProduceAsync(topic, new Message<string, string> { Key = $"{i}", Value = $"v{i}", Timestamp = new Timestamp(first + i * 1000, TimestampType.CreateTime) });
        return (topic, first);
    }

    [Fact]
    public async Task At_a_time_starts_at_the_first_record_at_or_after_it_in_epoch_ms_and_ISO_8601()
    {
        var (topic, first) = await TimedTopicAsync();
        string iso = DateTimeOffset.FromUnixTimeMilliseconds(first + 7000).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);

        var byMs = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-p", "0", "--offset", $"@{first + 4500}", "--exit-at-end", "-f", "%o %T"));
        var byIso = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-p", "0", "--offset", $"@{iso}", "--exit-at-end", "-f", "%o"));
        var afterAll = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-p", "0", "--offset", $"s@{first + 9001}", "--exit-at-end", "-f", "%o"));

        Assert.True(byMs.ExitCode == 0, byMs.ToString());
        Assert.Equal(Enumerable.Range(5, 5).Select(o => $"{o} {first + o * 1000}"), Lines(byMs.Stdout));
        Assert.True(byIso.ExitCode == 0, byIso.ToString());
        Assert.Equal(["7", "8", "9"], Lines(byIso.Stdout));
        // The control: a time after every record starts at the end and prints nothing.
        Assert.True(afterAll.ExitCode == 0, afterAll.ToString());
        Assert.Empty(Lines(afterAll.Stdout));
        Assert.Contains("no record at or after", afterAll.Stderr);
    }

    [Fact]
    public async Task Json_records_carry_the_timestamp_its_type_and_a_tombstone_as_null_text_shows_it_apart()
    {
        var (topic, first) = await TimedTopicAsync();
        using (var producer = new ProducerBuilder<string?, string?>(kafka.ProducerConfig()).Build())
            await producer.ProduceAsync(topic, new Message<string?, string?> { Key = null, Value = null });

        var json = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-p", "0", "--offset", "beginning", "--exit-at-end", "-o", "json"));
        var text = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-p", "0", "--offset", "-2", "--exit-at-end", "-f", @"%k|%s|%K|%S\n"));

        Assert.True(json.ExitCode == 0, json.ToString());
        var records = json.OfEvent("consumed").ToList();
        Assert.Equal(11, records.Count);
        Assert.All(records, r => Assert.Equal("CreateTime", r.GetProperty("timestamp_type").GetString()));
        Assert.Equal(first + 3000, records[3].GetProperty("timestamp_ms").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, records[10].GetProperty("value").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, records[10].GetProperty("key").ValueKind);
        Assert.Equal("v9", records[9].GetProperty("value").GetString());
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Equal(["9|v9|1|2", "null|null|-1|-1"], Lines(text.Stdout));
    }

    [Fact]
    public async Task Without_format_the_course_line_is_unchanged()
    {
        string topic = await FilledTopicAsync(8);

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "-t", topic, "-p", "2", "--offset", "0", "--exit-at-end"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([$"{topic}-2-0 : (2 , 2)", $"{topic}-2-1 : (6 , 6)"], Lines(result.Stdout));
    }
}
