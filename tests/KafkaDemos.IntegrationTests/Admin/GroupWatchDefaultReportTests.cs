using System.Text.Json;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Admin;

/// <summary>
/// `demo consume` and `demo groups watch` with no status flag at all, as the labs start them: on the
/// embedded broker (no DescribeGroups) the member's own check turns its reports on, and watch sees it.
/// </summary>
public sealed class GroupWatchDefaultReportTests(KafkaFixture kafka)
{
    private const int Partitions = 2;

    [Fact]
    public async Task On_the_embedded_broker_a_member_reports_unasked_and_watch_shows_it_owning_its_partitions()
    {
        kafka.RequireEmbedded("the embedded broker is the one that cannot describe groups");
        await using var run = await Run.StartAsync(kafka);

        var state = await run.Watch.WaitForEventAsync(e => Is(e, "group_state")
            && Owners(e).Count == Partitions && Owners(e).Values.All(o => o == "solo"), TimeSpan.FromSeconds(60));

        Assert.Contains(run.Member.Events, e => Is(e, "info") && e.GetProperty("message").GetString()!.StartsWith("Status reports: on", StringComparison.Ordinal));
        Assert.Equal("member_reports", state.GetProperty("source").GetString());
        Assert.Equal(Partitions, ConsumerKit.Assignment(run.Member.Events).Count);
    }

    [Fact]
    public async Task Negative_control_with_no_status_report_watch_shows_neither_the_member_nor_an_owner()
    {
        kafka.RequireEmbedded("the embedded broker is the one that cannot describe groups");
        await using var run = await Run.StartAsync(kafka, "--no-status-report");
        await run.Member.WaitForEventAsync(e => Is(e, "assigned") && e.GetProperty("partitions").GetArrayLength() == Partitions, TimeSpan.FromSeconds(60));
        var told = DateTime.UtcNow;

        // The member owns both partitions; refresh after refresh, watch has nobody to show for them.
        var states = new List<JsonElement>();
        while (states.Count < 3)
            states.Add(await run.Watch.WaitForEventAsync(e => Is(e, "group_state") && e.GetProperty("time").GetDateTime().ToUniversalTime() > told
                && !states.Any(s => s.GetProperty("time").GetDateTime() == e.GetProperty("time").GetDateTime()), TimeSpan.FromSeconds(30)));

        Assert.Contains(run.Member.Events, e => Is(e, "info") && e.GetProperty("message").GetString()!.StartsWith("Status reports: off", StringComparison.Ordinal));
        Assert.All(states, s => Assert.Empty(s.GetProperty("members").EnumerateArray()));
        Assert.All(states, s => Assert.All(Owners(s).Values, Assert.Null));
    }

    private static bool Is(JsonElement e, string name) => e.GetProperty("event").GetString() == name;

    private static Dictionary<string, string?> Owners(JsonElement state) => state.GetProperty("partitions").EnumerateArray()
        .ToDictionary(p => $"{p.GetProperty("topic").GetString()}-{p.GetProperty("partition").GetInt32()}", p => p.GetProperty("client_id").GetString());

    /// <summary>One `demo consume` member ("solo") and `demo groups watch`, both on the default status topic.</summary>
    private sealed class Run(DemoProcess member, DemoProcess watch) : IAsyncDisposable
    {
        public DemoProcess Member { get; } = member;

        public DemoProcess Watch { get; } = watch;

        public static async Task<Run> StartAsync(KafkaFixture kafka, params string[] extra)
        {
            string topic = await kafka.CreateTopicAsync("watch-default", Partitions);
            string group = KafkaFixture.UniqueName("g-default");
            var watch = DemoProcess.Start(kafka.DemoArgs("groups", "watch", group, "--topic", topic, "-o", "json"));
            var member = DemoProcess.Start(kafka.DemoArgs(["consume", "--topic", topic, "--group", group, "-X", "client.id=solo", "-o", "json",
                .. ConsumerKit.FastRebalanceArgs(kafka), .. extra]));
            return new Run(member, watch);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var process in new[] { Member, Watch })
            {
                process.Interrupt();
                await process.WaitForExitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await process.DisposeAsync();
            }
        }
    }
}
