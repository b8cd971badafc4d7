using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Web;

/// <summary>
/// The page's stream without a browser: /events sends the JSON objects `-o json` prints, the current
/// state first, again at once on a reconnect; a port in use is bad input; Ctrl+C ends open streams.
/// </summary>
public sealed class GroupWatchEventStreamTests(KafkaFixture kafka)
{
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_first_message_is_the_current_state_exactly_as_json_output_printed_it_and_a_reconnect_gets_it_at_once()
    {
        await using var run = await WebWatchRun.StartAsync(kafka);
        run.AddMember("alice");
        await run.WaitForMembersAsync(TimeSpan.FromSeconds(90));

        for (int connection = 1; connection <= 2; connection++)
        {
            var connected = DateTime.UtcNow;
            await using var stream = await EventStream.OpenAsync(run.Url);
            string first = (await stream.NextAsync(MessageTimeout))!;

            Assert.Equal("text/event-stream", stream.ContentType);
            using var state = JsonDocument.Parse(first);
            Assert.Equal("group_state", state.RootElement.GetProperty("event").GetString());
            Assert.Equal(run.Group, state.RootElement.GetProperty("group").GetString());
            // A state the watch had before this connection (not the next refresh), sent as soon as the browser came.
            Assert.True(state.RootElement.GetProperty("time").GetDateTime().ToUniversalTime() <= connected, $"{first} is newer than the connection at {connected:O}");
            // One contract: the very line -o json printed for that refresh.
            await WaitAsync(() => run.StateLines().Contains(first), $"-o json printed {first}\nstdout:\n{run.Watch.Stdout}");
            // Then each new refresh as it comes.
            string next = (await stream.NextAsync(MessageTimeout))!;
            Assert.NotEqual(first, next);
        }
    }

    [Fact]
    public async Task A_port_in_use_exits_2_naming_it_and_a_free_one_serves()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var refused = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "watch", "g-web-port", "--web", $"127.0.0.1:{port}", "--refreshes", "1"));
        taken.Stop();
        var served = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "watch", "g-web-port", "--web", $"127.0.0.1:{port}", "--refreshes", "1"));

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains($"127.0.0.1:{port}", refused.Stderr);
        Assert.Contains("in use", refused.Stderr);
        Assert.DoesNotContain("   at ", refused.Stderr);
        Assert.True(served.ExitCode == 0, served.ToString());
        Assert.Contains($"http://127.0.0.1:{port}/", served.Stderr);
    }

    [Theory]
    [InlineData("nowhere", "nowhere")]
    [InlineData("127.0.0.1:99999", "99999")]
    [InlineData("example.org:80", "example.org")]
    public async Task A_bad_address_exits_2_naming_it(string address, string named)
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "watch", "g-web-bad", "--web", address, "--refreshes", "1"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.Stderr);
    }

    [Fact]
    public async Task Ctrl_c_ends_an_open_stream_and_the_watch_exits_0()
    {
        await using var run = await WebWatchRun.StartAsync(kafka);
        await using var stream = await EventStream.OpenAsync(run.Url);
        Assert.NotNull(await stream.NextAsync(MessageTimeout));

        run.Watch.Interrupt();

        // The stream ends (null) rather than hanging until a timeout: the server closed it. A watch that
        // ignored the Ctrl+C would go on sending a state a second: bounded, it fails instead.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string? last;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the stream was still open 15 s after Ctrl+C");
            last = await stream.NextAsync(TimeSpan.FromSeconds(10));
        }
        while (last is not null);
        await run.Watch.WaitForExitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(0, run.Watch.Result(TimeSpan.Zero).ExitCode);
        await Assert.ThrowsAsync<HttpRequestException>(() => EventStream.OpenAsync(run.Url));
    }

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            await Task.Delay(100);
        }
    }
}
