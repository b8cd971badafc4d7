using System.Text.Json;
using KafkaDemos.IntegrationTests.Infrastructure;
using KafkaDemos.IntegrationTests.Labs;

namespace KafkaDemos.IntegrationTests.Web;

/// <summary>`demo lab rebalance --web`: the lab's groups on the page while it runs, one per protocol under --group-protocol both.</summary>
[Collection(RebalanceTiming.Name)]
public sealed class RebalanceLabPageTests(KafkaFixture kafka)
{
    [Fact]
    public async Task Both_protocols_groups_reach_the_page_with_every_partition_owned()
    {
        await using var lab = DemoProcess.Start(
            LabArgs.For(kafka, "lab", "rebalance", "--group-protocol", "both", "--consumers", "2", "--partitions", "4", "--web", "127.0.0.1:0", "-o", "json"));
        var served = await lab.WaitForEventAsync("web_page", TimeSpan.FromSeconds(60));
        await using var stream = await EventStream.OpenAsync(served.GetProperty("url").GetString()!);

        // Per group: its protocol, and whether a refresh showed all four partitions owned.
        var groups = new Dictionary<string, (string? Protocol, bool Owned)>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(180);
        while (!(groups.Count == 2 && groups.Values.All(g => g.Owned)) && DateTime.UtcNow < deadline)
        {
            if (await stream.NextAsync(TimeSpan.FromSeconds(60)) is not string data) break;
            using var e = JsonDocument.Parse(data);
            var root = e.RootElement;
            if (root.GetProperty("event").GetString() != "group_state") continue;
            string group = root.GetProperty("group").GetString()!;
            var partitions = root.GetProperty("partitions").EnumerateArray().ToList();
            bool owned = partitions.Count == 4 && partitions.All(p => p.GetProperty("owner").ValueKind == JsonValueKind.String);
            var before = groups.GetValueOrDefault(group);
            groups[group] = (root.GetProperty("protocol").GetString() ?? before.Protocol, before.Owned || owned);
        }

        int sections = await ShowTheGroupsSideBySideAsync(served.GetProperty("url").GetString()!);

        await lab.WaitForExitAsync(TimeSpan.FromSeconds(180));
        var result = lab.Result(TimeSpan.Zero);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(groups.Count == 2 && groups.Values.All(g => g.Owned), string.Join("; ", groups.Select(g => $"{g.Key}: {g.Value}")));
        Assert.Equal(["classic", "consumer"], groups.Values.Select(g => g.Protocol).Order());
        // Each step waited until the watch behind the page showed the owners the members printed.
        var watched = result.OfEvent("check").Where(c => c.GetProperty("what").GetString()!.StartsWith("groups watch shows", StringComparison.Ordinal)).ToList();
        Assert.Equal(result.OfEvent("lab_row").Count(), watched.Count);
        Assert.All(watched, c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
        Assert.True(sections is -1 or 2, $"{sections} group sections on the page");
        // The groups on the page are the lab's own.
        var labGroups = result.Events.Where(e => e.GetProperty("event").GetString() == "info")
            .Select(e => e.GetProperty("message").GetString()!).Where(m => m.Contains(", group lab-rebalance-")).ToList();
        Assert.All(groups.Keys, g => Assert.Contains(labGroups, m => m.Contains($"group {g},")));
    }

    /// <summary>Where a browser can run: the page's sections, one per group (screenshot kept); -1 where none can.</summary>
    private static async Task<int> ShowTheGroupsSideBySideAsync(string url)
    {
        if (HeadlessChromium.Unavailable is not null) return -1;
        using var browser = HeadlessChromium.Start();
        browser.Driver.Navigate().GoToUrl(url);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        long count;
        while ((count = (long)browser.Run("return document.querySelectorAll('section.group [data-partition]').length > 0 ? document.querySelectorAll('section.group').length : 0;")!) < 2
               && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        browser.Save("lab-rebalance-web.png");
        return (int)count;
    }
}
