using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Admin;

/// <summary>
/// The "consumed" that `demo groups watch` shows for each member is the member's own count, the one its
/// summary prints: records it read before its first status report after an assignment count too.
/// </summary>
public sealed class GroupWatchConsumedTests(KafkaFixture kafka)
{
    private const int Partitions = 4;
    private const int Backlog = 400;
    private const int Later = 200;

    [Fact]
    public async Task Each_members_consumed_in_the_watch_is_the_consumed_of_its_own_summary()
    {
        string topic = await kafka.CreateTopicAsync("watch-consumed", Partitions);
        string status = await kafka.CreateTopicAsync("status", 1);
        string group = KafkaFixture.UniqueName("g-consumed");
        // Waiting before anyone joins: the first member reads all of it within moments of its assignment,
        // long before its first report after that assignment.
        await ConsumerKit.ProduceAsync(kafka, topic, Backlog, Partitions);
        await using var watch = DemoProcess.Start(kafka.DemoArgs("groups", "watch", group, "--topic", topic, "--status-topic", status,
            "--source", "member-reports", "-o", "json"));
        var members = new Dictionary<string, DemoProcess>();
        try
        {
            members["member-1"] = Member(topic, status, group, "member-1");
            await WaitAsync(() => Count(members["member-1"]) == Backlog, "member-1 read the backlog");
            members["member-2"] = Member(topic, status, group, "member-2");
            await WaitAsync(() => members.Values.All(m => ConsumerKit.Assignment(m.Events).Count == Partitions / 2), "the two members split the partitions");
            await ConsumerKit.ProduceAsync(kafka, topic, Later, Partitions, from: Backlog);
            await WaitAsync(() => members.Values.Sum(Count) == Backlog + Later, "every record read");
            // The watch catches up with the members' counts (or the assertion below says by how much it did not).
            await WaitAsync(() => members.All(m => Shown(watch, m.Key) == Count(m.Value)), "the watch showed the members' counts", throwOnTimeout: false);
        }
        finally
        {
            foreach (var member in members.Values) await StopAsync(member);
        }

        var results = members.ToDictionary(m => m.Key, m => m.Value.Result(TimeSpan.Zero));
        foreach (var (client, result) in results)
            Assert.True(result.OfEvent("summary").Any(), $"{client} ended without its summary: {result}");
        var summaries = results.ToDictionary(r => r.Key, r => r.Value.Summary.GetProperty("consumed").GetInt64());
        Assert.Equal(Backlog + Later, summaries.Values.Sum());
        foreach (var (client, consumed) in summaries)
            Assert.True(Shown(watch, client) == consumed, $"{client}: its summary says {consumed}, the watch showed {Shown(watch, client)}");
        // Negative control: the comparison tells the members apart (member-1 read the backlog alone).
        Assert.NotEqual(summaries["member-2"], Shown(watch, "member-1"));
        foreach (var member in members.Values) await member.DisposeAsync();
    }

    private DemoProcess Member(string topic, string status, string group, string client) =>
        DemoProcess.Start(kafka.DemoArgs(["consume", "--topic", topic, "--group", group, "--status-topic", status,
            "-X", $"client.id={client}", "-o", "json", .. ConsumerKit.FastRebalanceArgs(kafka)]));

    private static async Task StopAsync(DemoProcess member)
    {
        member.Terminate();
        await member.WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private static int Count(DemoProcess member) => member.Events.Count(e => e.GetProperty("event").GetString() == "consumed");

    /// <summary>The highest consumed the watch has shown for the member (a member that left is no longer listed).</summary>
    private static long? Shown(DemoProcess watch, string client) => watch.Events
        .Where(e => e.GetProperty("event").GetString() == "group_state")
        .SelectMany(e => e.GetProperty("members").EnumerateArray())
        .Where(m => m.GetProperty("client_id").GetString() == client && m.TryGetProperty("consumed", out _))
        .Select(m => (long?)m.GetProperty("consumed").GetInt64())
        .Max();

    private static async Task WaitAsync(Func<bool> condition, string what, bool throwOnTimeout = true)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                if (throwOnTimeout) throw new TimeoutException($"not within 60 s: {what}");
                return;
            }
            await Task.Delay(200);
        }
    }
}
