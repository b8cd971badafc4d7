using KafkaDemos.Broker;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Web;

/// <summary>
/// The page while the watch's broker is gone (an embedded broker of the test's own, taken down and
/// brought back): it says "broker unreachable since ..." and keeps the last picture, then recovers.
/// </summary>
public sealed class GroupWatchPageBrokerDownTests(KafkaFixture kafka)
{
    private const string Topic = "watched";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private const string ReadPage = """
        const banner = document.querySelector('.unreachable');
        const lanes = [...document.querySelectorAll('[data-partition]')].map(e => e.dataset.owner);
        return (banner && banner.dataset.shown === 'true' ? banner.textContent : '') + '|' + lanes.join(',');
        """;

    [Fact]
    public async Task Broker_down_shows_since_when_and_keeps_the_owners_then_recovers()
    {
        kafka.RequireEmbedded("takes a broker down");
        HeadlessChromium.SkipUnlessAvailable();
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 1, Port = 0 });
        broker.CreateTopic(Topic, 2, 1);
        string group = KafkaFixture.UniqueName("g-web-down");
        await using var watch = DemoProcess.Start(["groups", "watch", group, "--topic", Topic, "--web", "127.0.0.1:0", "-o", "json", "-b", broker.BootstrapServers]);
        await using var member = DemoProcess.Start(["consume", "--topic", Topic, "--group", group, "-X", "client.id=solo", "-o", "json",
            .. ConsumerKit.FastRebalanceArgs(kafka), "-b", broker.BootstrapServers]);
        string url = (await watch.WaitForEventAsync("web_page", Deadline)).GetProperty("url").GetString()!;
        using var browser = HeadlessChromium.Start();
        browser.Driver.Navigate().GoToUrl(url);

        // Negative control: while the broker answers, no banner.
        await WaitForPageAsync(browser, p => p == "|solo,solo");

        broker.Cluster.SetBrokerDown(1);
        string down = await WaitForPageAsync(browser, p => p.StartsWith("broker unreachable since ", StringComparison.Ordinal));
        Assert.EndsWith("|solo,solo", down);

        broker.Cluster.SetBrokerUp(1);
        await WaitForPageAsync(browser, p => p == "|solo,solo");
    }

    private static async Task<string> WaitForPageAsync(HeadlessChromium browser, Func<string, bool> done)
    {
        var deadline = DateTime.UtcNow + Deadline;
        string page = "";
        while (!done(page = browser.Run(ReadPage)?.ToString() ?? ""))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the page showed '{page}'");
            await Task.Delay(200);
        }
        return page;
    }
}
