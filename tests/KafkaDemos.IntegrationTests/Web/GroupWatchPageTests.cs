using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Web;

/// <summary>
/// `demo groups watch GROUP --web` opened in headless Chromium, with `demo consume` members as child
/// processes: the page's partition lanes (their data-partition and data-owner attributes) show who owns
/// what, and follow the group when a member is killed. Skips where no browser can run.
/// </summary>
public sealed class GroupWatchPageTests(KafkaFixture kafka)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>Reads the picture as a script would: partition -> owner (client id, "" for none), and each member box's stale flag.</summary>
    private const string ReadLanes = """
        return [...document.querySelectorAll('[data-partition]')].map(e => e.dataset.partition + '=' + e.dataset.owner + '=' + e.dataset.lag);
        """;

    private const string ReadStale = """
        return [...document.querySelectorAll('.member[data-client]')].filter(e => e.dataset.stale === 'true').map(e => e.dataset.client);
        """;

    [Fact]
    public async Task Four_partitions_show_two_owners_then_every_partition_moves_to_the_survivor_when_one_is_killed()
    {
        HeadlessChromium.SkipUnlessAvailable();
        await using var run = await WebWatchRun.StartAsync(kafka);
        // Records in every partition, so the lanes have a log end, a committed offset and the owner's colour to show.
        await ConsumerKit.ProduceAsync(kafka, run.Topic, 400, WebWatchRun.Partitions);
        run.AddMember("alice");
        run.AddMember("bob");
        using var browser = HeadlessChromium.Start();
        browser.Driver.Navigate().GoToUrl(run.Url);

        var together = await WaitForLanesAsync(browser, l => l.Count == WebWatchRun.Partitions && l.Values.All(o => o.Length > 0) && l.Values.Distinct().Count() == 2);
        // The page shows what the members printed, not merely two names.
        var printed = run.Printed();
        Assert.All(together, l => Assert.Contains(l.Key, printed[l.Value]));
        browser.Save("group-watch-web-two-members.png");

        await run.KillAsync("alice");

        var after = await WaitForLanesAsync(browser, l => l.Count == WebWatchRun.Partitions && l.Values.All(o => o == "bob"));
        Assert.All(after.Keys, p => Assert.Contains(p, run.Printed()["bob"]));
        // alice went silent (killed: no last report): she is listed stale, owning nothing.
        await WaitAsync(browser, () => Strings(browser.Run(ReadStale)).Contains("alice"), "alice shown stale");
        browser.Save("group-watch-web-after-kill.png");
    }

    [Fact]
    public async Task Negative_control_a_member_that_does_not_report_is_not_shown_as_an_owner()
    {
        HeadlessChromium.SkipUnlessAvailable();
        await using var run = await WebWatchRun.StartAsync(kafka);
        run.AddMember("alice");
        run.AddMember("carol", "--no-status-report");
        await run.WaitForMembersAsync(Deadline);
        var silent = run.Printed()["carol"];
        Assert.NotEmpty(silent);
        using var browser = HeadlessChromium.Start();
        browser.Driver.Navigate().GoToUrl(run.Url);

        // The check the test above passes ("4 partitions, 2 owners") fails here for refresh after refresh:
        // carol owns partitions in the group, but the page never names her; they show no owner.
        var shown = await WaitForLanesAsync(browser, l => l.Count == WebWatchRun.Partitions && silent.All(p => l[p] == ""));
        for (int i = 0; i < 3; i++)
        {
            Assert.False(shown.Values.All(o => o.Length > 0) && shown.Values.Distinct().Count() == 2, string.Join(", ", shown));
            Assert.DoesNotContain("carol", shown.Values);
            Assert.All(silent, p => Assert.Equal("", shown[p]));
            shown = await NextLanesAsync(browser, shown);
        }
    }

    private static async Task<Dictionary<string, string>> WaitForLanesAsync(HeadlessChromium browser, Func<Dictionary<string, string>, bool> done)
    {
        Dictionary<string, string> lanes = [];
        await WaitAsync(browser, () => done(lanes = Lanes(browser)), "the page's lanes", () => string.Join(", ", lanes.Select(l => $"{l.Key}: {(l.Value.Length == 0 ? "no owner" : l.Value)}")));
        return lanes;
    }

    /// <summary>The lanes after the page redrew them at least once (their lag or owners changed), or the same after a few seconds.</summary>
    private static async Task<Dictionary<string, string>> NextLanesAsync(HeadlessChromium browser, Dictionary<string, string> before)
    {
        var raw = Strings(browser.Run(ReadLanes));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < until && Strings(browser.Run(ReadLanes)).SequenceEqual(raw)) await Task.Delay(100);
        var now = Lanes(browser);
        return now.Count == 0 ? before : now;
    }

    private static Dictionary<string, string> Lanes(HeadlessChromium browser) =>
        Strings(browser.Run(ReadLanes)).Select(s => s.Split('=')).ToDictionary(p => p[0], p => p[1]);

    private static List<string> Strings(object? value) => value is IEnumerable<object> items ? items.Select(i => i?.ToString() ?? "").ToList() : [];

    private static async Task WaitAsync(HeadlessChromium browser, Func<bool> done, string what, Func<string>? shown = null)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                browser.Save("timeout.png");
                throw new TimeoutException($"{what}: not as expected within {Deadline.TotalSeconds:0} s; the page showed {shown?.Invoke() ?? "?"}");
            }
            await Task.Delay(200);
        }
    }
}
