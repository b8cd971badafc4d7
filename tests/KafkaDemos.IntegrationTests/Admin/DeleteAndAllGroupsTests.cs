using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Admin;

/// <summary>
/// `demo topics delete`, `demo groups delete` and `demo groups describe --all-groups`: they work on
/// real Kafka (KAFKA_BOOTSTRAP_SERVERS or a Docker container), and on the embedded broker, which
/// lacks DeleteTopics, DeleteGroups and ListGroups, one line says so and what to use instead.
/// </summary>
public sealed class DeleteAndAllGroupsTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Topics_delete_refuses_without_yes_when_stdin_is_not_a_terminal_and_an_unknown_topic_is_named()
    {
        string topic = await kafka.CreateTopicAsync("keep-me", 1);
        await ConsumerKit.ProduceAsync(kafka, topic, 2, partitions: 1);
        string missing = KafkaFixture.UniqueName("no-such-topic");

        var unconfirmed = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "delete", topic), stdin: "y\n");
        var unknown = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "delete", missing, "--yes"));

        Assert.True(unconfirmed.ExitCode == 2, unconfirmed.ToString());
        Assert.Contains("pass --yes", unconfirmed.Stderr);
        Assert.Contains($"'{topic}'", unconfirmed.Stderr);
        Assert.Equal(2, TopicReader.ReadAll(kafka, topic).Count);
        Assert.True(unknown.ExitCode == 2, unknown.ToString());
        Assert.Contains($"Topic '{missing}' does not exist", unknown.Stderr);
    }

    [Fact]
    public async Task On_the_embedded_broker_each_missing_admin_api_is_one_line_naming_what_to_use_instead()
    {
        kafka.RequireEmbedded("it lacks DeleteTopics, DeleteGroups and ListGroups");
        string topic = await kafka.CreateTopicAsync("mock-delete", 1);
        await ConsumerKit.ProduceAsync(kafka, topic, 2, partitions: 1);
        string group = KafkaFixture.UniqueName("g-mock-delete");
        GroupResetTargetsTests.CommitAsOutsider(kafka, group, new TopicPartitionOffset(new TopicPartition(topic, 0), 1));

        var topicDelete = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "delete", topic, "--yes"));
        var groupDelete = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "delete", group));
        var allGroups = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "describe", "--all-groups"));

        Assert.True(topicDelete.ExitCode == 2, topicDelete.ToString());
        Assert.Contains("does not support deleting topics (DeleteTopics)", topicDelete.Stderr);
        Assert.Contains("restarting `demo broker`", topicDelete.Stderr);
        Assert.Equal(2, TopicReader.ReadAll(kafka, topic).Count);

        Assert.True(groupDelete.ExitCode == 2, groupDelete.ToString());
        Assert.Contains("does not support deleting groups (DeleteGroups", groupDelete.Stderr);
        Assert.Contains($"demo groups reset-offsets {group} --all-topics --to-earliest --execute", groupDelete.Stderr);
        Assert.Equal(new Dictionary<string, long> { [$"{topic}-0"] = 1 }, ConsumerKit.Committed(kafka, group, topic, 1));

        Assert.True(allGroups.ExitCode == 2, allGroups.ToString());
        Assert.Contains("--all-groups", allGroups.Stderr);
        Assert.Contains("`demo groups describe GROUP`", allGroups.Stderr);
        foreach (var result in new[] { topicDelete, groupDelete, allGroups })
        {
            Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("Error:", StringComparison.Ordinal));
            Assert.DoesNotContain("Exception", result.Stderr);
        }
    }

    [Fact]
    public async Task Describe_refuses_a_group_together_with_all_groups()
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "describe", "tdea", "--all-groups"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("GROUP 'tdea' and --all-groups", result.Stderr);
    }

    [Fact]
    public async Task Topics_delete_with_yes_deletes_the_topic_on_real_kafka()
    {
        kafka.RequireRealKafka("DeleteTopics API");
        string topic = await kafka.CreateTopicAsync("to-delete", 2);
        Assert.Contains(topic, await TopicNamesAsync());

        var deleted = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "delete", topic, "--yes", "-o", "json"));

        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.True(deleted.Summary.GetProperty("deleted").GetBoolean());
        // A broker other than the controller may list the topic a moment longer.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await TopicNamesAsync()).Contains(topic) && DateTime.UtcNow < deadline) await Task.Delay(200);
        Assert.DoesNotContain(topic, await TopicNamesAsync());
    }

    [Fact]
    public async Task Groups_delete_is_refused_while_a_member_runs_and_then_deletes_the_group_and_its_offsets()
    {
        kafka.RequireRealKafka("DeleteGroups and DescribeGroups APIs");
        string topic = await kafka.CreateTopicAsync("group-delete", 1);
        await ConsumerKit.ProduceAsync(kafka, topic, 3, partitions: 1);
        string group = KafkaFixture.UniqueName("g-delete");
        using var member = new ConsumerBuilder<string, string>(kafka.ConsumerConfig(group)).Build();
        member.Subscribe(topic);
        var joined = DateTime.UtcNow.AddSeconds(60);
        while (member.Assignment.Count == 0 && DateTime.UtcNow < joined) member.Consume(TimeSpan.FromMilliseconds(200));
        member.Commit([new TopicPartitionOffset(topic, 0, 2)]);

        var refused = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "delete", group));
        member.Close();
        var deleted = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "delete", group, "-o", "json"));
        var again = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "delete", group));

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("active member", refused.Stderr);
        Assert.Contains("nothing was deleted", refused.Stderr);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Empty(ConsumerKit.Committed(kafka, group, topic, 1));
        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.Contains($"Group '{group}' does not exist", again.Stderr);
    }

    [Fact]
    public async Task Describe_all_groups_describes_every_listed_group_on_real_kafka()
    {
        kafka.RequireRealKafka("ListGroups API");
        string topic = await kafka.CreateTopicAsync("all-groups", 1);
        await ConsumerKit.ProduceAsync(kafka, topic, 4, partitions: 1);
        string first = KafkaFixture.UniqueName("g-all-a");
        string second = KafkaFixture.UniqueName("g-all-b");
        GroupResetTargetsTests.CommitAsOutsider(kafka, first, new TopicPartitionOffset(new TopicPartition(topic, 0), 1));
        GroupResetTargetsTests.CommitAsOutsider(kafka, second, new TopicPartitionOffset(new TopicPartition(topic, 0), 3));

        var result = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "describe", "--all-groups", "--topic", topic, "-o", "json"), TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, result.ToString());
        // Other tests' groups are listed too: only these two are checked.
        var summaries = result.OfEvent("summary").Where(s => s.GetProperty("group").GetString() is { } g && (g == first || g == second))
            .ToDictionary(s => s.GetProperty("group").GetString()!, s => s.GetProperty("total_lag").GetInt64());
        Assert.Equal(3, summaries[first]);
        Assert.Equal(1, summaries[second]);
    }

    private async Task<List<string>> TopicNamesAsync()
    {
        var listed = await DemoProcess.RunAsync(kafka.DemoArgs("topics", "list", "-o", "json"));
        Assert.True(listed.ExitCode == 0, listed.ToString());
        return [.. listed.OfEvent("table").Single().GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("topic").GetString()!)];
    }
}
