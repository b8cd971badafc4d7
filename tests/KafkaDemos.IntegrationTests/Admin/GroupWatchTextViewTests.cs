using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Admin;

/// <summary>
/// The text view of `demo groups watch`, as a person reads it: with stdout redirected it prints one picture
/// per refresh, and in the last one every partition's row names the member that printed that partition
/// in its own assignment.
/// </summary>
public sealed class GroupWatchTextViewTests(KafkaFixture kafka)
{
    private const int Partitions = 4;

    [Fact]
    public async Task The_text_view_shows_for_every_partition_the_member_that_printed_it()
    {
        string topic = await kafka.CreateTopicAsync("watch-text", Partitions);
        string status = await kafka.CreateTopicAsync("status", 1);
        string group = KafkaFixture.UniqueName("g-text");
        var members = new Dictionary<string, DemoProcess>();
        try
        {
            foreach (string client in new[] { "member-1", "member-2" })
                members[client] = DemoProcess.Start(kafka.DemoArgs(["consume", "--topic", topic, "--group", group, "--status-topic", status,
                    "-X", $"client.id={client}", "-o", "json", .. ConsumerKit.FastRebalanceArgs(kafka)]));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (!Settled(Printed(members)))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException("the members did not split the partitions");
                await Task.Delay(200);
            }
            var printed = Printed(members);

            var result = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "watch", group, "--topic", topic, "--status-topic", status,
                "--source", "member-reports", "--refreshes", "3"), TimeSpan.FromSeconds(60));

            Assert.True(result.ExitCode == 0, result.ToString());
            var pictures = result.Stdout.Split(Environment.NewLine).Aggregate(new List<List<string>>(), (all, line) =>
            {
                if (line.StartsWith("Group ", StringComparison.Ordinal)) all.Add([]);
                if (all.Count > 0) all[^1].Add(line);
                return all;
            });
            Assert.Equal(3, pictures.Count);
            var shown = Owners(pictures[^1], topic);
            Assert.True(Agrees(shown, printed), $"members printed {Describe(printed)}; the view showed:\n{string.Join('\n', pictures[^1])}");
            Assert.Contains(pictures[^1], l => l.Contains("Partitions of the topics the live members subscribe to, --topic", StringComparison.Ordinal));
            // Negative control: the same check fails for the owners swapped.
            var swapped = new Dictionary<string, HashSet<string>> { ["member-1"] = printed["member-2"], ["member-2"] = printed["member-1"] };
            Assert.False(Agrees(shown, swapped));
        }
        finally
        {
            foreach (var member in members.Values) await StopAsync(member);
        }
    }

    /// <summary>The client id in each partition's row of the picture's Partitions table ("│ topic-0 │ member… · client │ ..."), null for "no owner".</summary>
    private static Dictionary<string, string?> Owners(List<string> picture, string topic) => picture
        .Select(l => l.Split('│', StringSplitOptions.TrimEntries))
        .Where(cells => cells.Length > 3 && cells[1].StartsWith(topic + "-", StringComparison.Ordinal))
        .ToDictionary(cells => cells[1], cells => cells[2] == "no owner" ? null : cells[2].Split(" · ")[^1]);

    private static bool Agrees(Dictionary<string, string?> shown, Dictionary<string, HashSet<string>> printed) =>
        shown.Count == Partitions && printed.All(m => m.Value.All(p => shown.GetValueOrDefault(p) == m.Key));

    private static Dictionary<string, HashSet<string>> Printed(Dictionary<string, DemoProcess> members) =>
        members.ToDictionary(m => m.Key, m => ConsumerKit.Assignment(m.Value.Events));

    private static bool Settled(Dictionary<string, HashSet<string>> printed) =>
        printed.Count == 2 && printed.Values.All(p => p.Count == Partitions / 2) && printed.Values.SelectMany(p => p).Distinct().Count() == Partitions;

    private static string Describe(Dictionary<string, HashSet<string>> printed) =>
        string.Join("; ", printed.Select(p => $"{p.Key}=[{string.Join(",", p.Value.Order())}]"));

    private static async Task StopAsync(DemoProcess member)
    {
        member.Terminate();
        await member.WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await member.DisposeAsync();
    }
}
