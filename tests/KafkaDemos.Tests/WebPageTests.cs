using System.Text.Json;
using KafkaDemos.Core;
using KafkaDemos.Web;

namespace KafkaDemos.Tests;

/// <summary>The live page's pieces without a server: its address, its hub of events, the page it ships.</summary>
public sealed class WebPageTests
{
    [Theory]
    [InlineData(null, "127.0.0.1", 5080)]
    [InlineData("", "127.0.0.1", 5080)]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("localhost:9000", "127.0.0.1", 9000)]
    [InlineData("0.0.0.0:5080", "0.0.0.0", 5080)]
    [InlineData("[::1]:5080", "::1", 5080)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    public void An_address_is_host_and_port_and_loopback_by_default(string? given, string host, int port)
    {
        var endpoint = WebAddress.Parse(given);

        Assert.Equal(host, endpoint.Address.ToString());
        Assert.Equal(port, endpoint.Port);
    }

    [Theory]
    [InlineData("5080", "5080")]
    [InlineData("127.0.0.1:", "127.0.0.1:")]
    [InlineData("127.0.0.1:http", "http")]
    [InlineData("127.0.0.1:65536", "65536")]
    [InlineData("my-host:5080", "my-host")]
    public void A_bad_address_is_a_usage_error_naming_it(string given, string named)
    {
        var error = Assert.Throws<UsageException>(() => WebAddress.Parse(given));

        Assert.Contains(named, error.Message);
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
    }

    [Fact]
    public void The_url_of_a_wildcard_address_is_the_loopback_one()
    {
        Assert.Equal("http://127.0.0.1:5080/", WebAddress.Url(WebAddress.Parse("0.0.0.0:5080")));
        Assert.Equal("http://[::1]:5080/", WebAddress.Url(WebAddress.Parse("[::]:5080")));
    }

    [Fact]
    public void The_page_event_warns_when_the_page_is_open_to_the_network()
    {
        Assert.Equal("Live page: http://127.0.0.1:5080/", new WebPageEvent("http://127.0.0.1:5080/", Loopback: true).ToText());
        Assert.Contains("anyone who can reach this machine", new WebPageEvent("http://127.0.0.1:5080/", Loopback: false).ToText());
    }

    [Fact]
    public void A_browser_that_connects_gets_each_groups_current_state_first_then_the_rebalances_kept_then_what_comes()
    {
        var hub = new GroupEventHub();
        hub.OnNext(State("a", 1));
        hub.OnNext(Rebalance("a"));
        hub.OnNext(State("a", 2));
        hub.OnNext(State("b", 1));
        hub.OnNext(new InfoEvent("not for the page"));

        using var browser = hub.Subscribe();
        hub.OnNext(State("b", 2));

        var got = Drain(browser).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["group_state:a:2", "group_state:b:1", "rebalance:a:", "group_state:b:2"],
            got.Select(e => $"{e.GetProperty("event").GetString()}:{e.GetProperty("group").GetString()}:{(e.TryGetProperty("generation", out var g) && g.ValueKind == JsonValueKind.Number && e.GetProperty("event").GetString() == "group_state" ? g.GetInt32() : "")}"));
    }

    [Fact]
    public void Each_message_is_the_line_json_output_writes()
    {
        var state = State("g", 3);
        using var stdout = new MemoryStream();
        var json = new JsonOutput(stdout);
        json.Emit(state);
        json.Flush();
        var hub = new GroupEventHub();
        hub.OnNext(state);

        using var browser = hub.Subscribe();

        Assert.Equal(System.Text.Encoding.UTF8.GetString(stdout.ToArray()).TrimEnd('\n'), Assert.Single(Drain(browser)));
    }

    [Fact]
    public void The_history_keeps_the_states_and_rebalances_and_a_completed_hub_ends_every_stream()
    {
        var hub = new GroupEventHub();
        hub.OnNext(State("g", 1));
        hub.OnNext(State("g", 2));
        hub.OnNext(Rebalance("g"));
        using var browser = hub.Subscribe();

        hub.OnCompleted();

        Assert.Equal(3, hub.History().Count);
        Assert.Equal(2, Drain(browser).Count);
        Assert.True(browser.Events.Completion.IsCompleted);
        Assert.Equal(0, hub.Browsers);
    }

    [Fact]
    public void The_page_is_one_document_with_its_style_and_scripts_inside_and_nothing_fetched_from_elsewhere()
    {
        string html = GroupPage.Html();

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("/*page.css*/", html);
        Assert.DoesNotContain("/*page.js*/", html);
        Assert.Contains("new EventSource(\"/events\")", html);
        Assert.Contains("data-partition", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
        Assert.DoesNotContain("@import", html);
    }

    private static List<string> Drain(GroupEventHub.Subscription browser)
    {
        var lines = new List<string>();
        while (browser.Events.TryRead(out string? line)) lines.Add(line);
        return lines;
    }

    private static GroupStateEvent State(string group, int generation) =>
        new(group, DateTime.UtcNow, "member_reports", "Stable", "classic", "range", generation, [], [new WatchedPartition("t", 0, "m", "c", 1, 2, 1, 0.5)], ["members"], null);

    private static RebalanceEvent Rebalance(string group) =>
        new(group, DateTime.UtcNow, DateTime.UtcNow, 0.5, null, [new PartitionMove("t", 0, null, "m", null, "c")]);
}
