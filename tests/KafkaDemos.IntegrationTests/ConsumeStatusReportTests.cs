using System.Text;
using KafkaDemos.Admin;
using KafkaDemos.Consumers;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>
/// When `demo consume` reports its member's status (a second client, and a read of Confluent.Kafka's
/// internals for the generation): only where the broker cannot describe groups, or when asked.
/// </summary>
public sealed class ConsumeStatusReportTests(KafkaFixture kafka)
{
    private static readonly GroupMembers Describes = new(null, null, Supported: true);
    private static readonly GroupMembers CannotDescribe = new(null, "the broker does not support it");

    [Fact]
    public async Task Where_the_broker_describes_groups_the_member_starts_no_status_producer()
    {
        // No broker with DescribeGroups runs on this machine: the probe gets the answer Apache Kafka gives
        // (the child-process test below asks a real one where there is one).
        var (topic, status, group) = await SetUpAsync();
        var choice = await StatusReportChoice.DecideAsync(StatusReportRequest.Auto, status, _ => Task.FromResult(Describes), CancellationToken.None);

        var reports = await RunAndReadReportsAsync(choice, topic, status, group);

        Assert.Null(choice.Topic);
        Assert.StartsWith("Status reports: off", choice.Reason);
        Assert.Empty(reports);
    }

    [Fact]
    public async Task Negative_control_the_same_run_asking_the_embedded_broker_reports_with_the_generation_it_read()
    {
        kafka.RequireEmbedded("the embedded broker is the one that cannot describe groups");
        var (topic, status, group) = await SetUpAsync();
        var choice = await StatusReportChoice.DecideAsync(StatusReportRequest.Auto, status, kafka.AdminConfig(), group, CancellationToken.None);

        var reports = await RunAndReadReportsAsync(choice, topic, status, group);

        Assert.Equal(status, choice.Topic);
        Assert.StartsWith("Status reports: on", choice.Reason);
        Assert.Contains(reports, r => r.Change == "assigned");
        // The generation is what only the read of the library's internals gives.
        Assert.Contains(reports, r => r.Generation >= 1);
    }

    [Theory]
    [InlineData(StatusReportRequest.On, true, true)]
    [InlineData(StatusReportRequest.On, false, true)]
    [InlineData(StatusReportRequest.Off, false, false)]
    [InlineData(StatusReportRequest.Off, true, false)]
    [InlineData(StatusReportRequest.Auto, false, true)]
    [InlineData(StatusReportRequest.Auto, true, false)]
    public async Task A_flag_decides_without_asking_the_broker_and_no_flag_follows_its_answer(StatusReportRequest request, bool describes, bool on)
    {
        int asked = 0;
        var choice = await StatusReportChoice.DecideAsync(request, "status", _ =>
        {
            asked++;
            return Task.FromResult(describes ? Describes : CannotDescribe);
        }, CancellationToken.None);

        Assert.Equal(on ? "status" : null, choice.Topic);
        Assert.Equal(request == StatusReportRequest.Auto ? 1 : 0, asked);
    }

    [Fact]
    public void Only_the_status_reports_read_library_internals_and_only_the_choice_turns_them_on()
    {
        string src = Path.Combine(RepoRoot(), "src", "KafkaDemos");
        var files = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToDictionary(f => Path.GetRelativePath(src, f).Replace('\\', '/'), File.ReadAllText);
        string[] Containing(string text) => [.. files.Where(f => f.Value.Contains(text, StringComparison.Ordinal)).Select(f => f.Key).Order(StringComparer.Ordinal)];

        // Non-empty answers are the control: the scan does see these calls where they are.
        Assert.Equal(["Native/GroupGeneration.cs"], Containing("BindingFlags.NonPublic"));
        Assert.Equal(["Consumers/MemberStatusReporter.cs"], Containing("GroupGeneration.Of("));
        Assert.Equal(["Consumers/ConsumerReport.cs"], Containing("MemberStatusReporter.Start("));
        Assert.Equal(["Consumers/ConsumeCommand.cs", "Labs/GroupMembers.cs"], Containing("StatusTopic = "));
        Assert.Contains("StatusTopic = status.Topic", files["Consumers/ConsumeCommand.cs"]);
        // The rebalance lab's in-process members get their status topic from the same choice.
        Assert.Equal(["Consumers/ConsumeCommand.cs", "Labs/Rebalance/RebalanceLab.cs"], Containing("StatusReportChoice.DecideAsync("));
    }

    [Fact]
    public async Task Against_apache_kafka_consume_says_reports_are_off_and_writes_none_unless_asked()
    {
        kafka.RequireRealKafka("DescribeGroups API");
        string topic = await kafka.CreateTopicAsync("status-real", 1);
        await ConsumerKit.ProduceAsync(kafka, topic, 3, partitions: 1);
        string asked = KafkaFixture.UniqueName("g-asked"), quiet = KafkaFixture.UniqueName("g-quiet");

        // The negative control first: it also creates the default status topic that is read back below.
        var control = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "--topic", topic, "--group", asked, "--exit-at-end", "--report-status", "-o", "json"));
        var subject = await DemoProcess.RunAsync(kafka.DemoArgs("consume", "--topic", topic, "--group", quiet, "--exit-at-end", "-o", "json"));
        var reports = Reports(TopicReader.ReadAll(kafka, MemberStatusReport.DefaultTopic));

        Assert.True(control.ExitCode == 0 && subject.ExitCode == 0, $"{control}\n{subject}");
        Assert.Contains(control.OfEvent("info"), e => e.GetProperty("message").GetString()!.StartsWith("Status reports: on", StringComparison.Ordinal));
        Assert.Contains(subject.OfEvent("info"), e => e.GetProperty("message").GetString()!.StartsWith("Status reports: off: the broker describes groups", StringComparison.Ordinal));
        Assert.Contains(reports, r => r.Group == asked);
        Assert.DoesNotContain(reports, r => r.Group == quiet);
    }

    private async Task<(string Topic, string Status, string Group)> SetUpAsync()
    {
        string topic = await kafka.CreateTopicAsync("status-choice", 2);
        string status = await kafka.CreateTopicAsync("status", 1);
        await ConsumerKit.ProduceAsync(kafka, topic, 4, partitions: 2);
        return (topic, status, KafkaFixture.UniqueName("g-status"));
    }

    /// <summary>Runs the sync-commit consumer to the end of the topic with the choice's status topic, then reads that topic back.</summary>
    private async Task<List<MemberStatusReport>> RunAndReadReportsAsync(StatusReportChoice choice, string topic, string status, string group)
    {
        var sink = new RecordedEvents();
        var outcome = await SyncCommitConsumer.RunAsync(ConsumerKit.Config(kafka, group), ConsumerKit.Options(topic) with { ExitAtEnd = true, StatusTopic = choice.Topic },
            sink, CancellationToken.None);
        Assert.True(outcome.Succeeded && outcome.Consumed == 4, string.Join("\n", sink.Events));
        return [.. Reports(TopicReader.ReadAll(kafka, status)).Where(r => r.Group == group)];
    }

    private static List<MemberStatusReport> Reports(IEnumerable<Confluent.Kafka.ConsumeResult<string?, string?>> records) =>
        [.. records.Select(r => MemberStatusReport.Parse(r.Message.Value is null ? null : Encoding.UTF8.GetBytes(r.Message.Value))).OfType<MemberStatusReport>()];

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KafkaDemos.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("KafkaDemos.sln above " + AppContext.BaseDirectory);
    }
}
