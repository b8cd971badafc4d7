using System.Diagnostics;
using System.Text.Json;
using KafkaDemos.Broker;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Admin;

/// <summary>
/// `demo groups watch` when the `demo broker` process is killed (kill -9) rather than taken down inside
/// the mock cluster: the refresh in flight must not wait out every per-call timeout before the watch
/// says no broker answers, no rebalance is recorded for the outage, and a broker started again on the
/// same port brings the picture back.
/// </summary>
public sealed class GroupWatchBrokerKilledTests(ITestOutputHelper output)
{
    private const string Topic = "watched";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>
    /// About 4 s on a 2-core machine (the read in flight stops, two 2 s metadata probes confirm); a watch
    /// that waits out its calls' timeouts takes 8 s or more (a 5 s committed-offsets call, then the probe).
    /// </summary>
    private static readonly TimeSpan UnreachableWithin = TimeSpan.FromSeconds(7);

    [Fact]
    public async Task A_killed_broker_process_shows_as_unreachable_within_seconds_and_the_watch_recovers_when_one_returns()
    {
        await using var broker = await StartBrokerAsync("0");
        string bootstrap = broker.Bootstrap;
        string port = bootstrap[(bootstrap.LastIndexOf(':') + 1)..];
        string group = $"g-killed-{Guid.NewGuid():N}";
        await using var watch = DemoProcess.Start(["groups", "watch", group, "--topic", Topic, "-o", "json", "-b", bootstrap]);
        await using var member = DemoProcess.Start(["consume", "--topic", Topic, "--group", group, "-X", "client.id=solo", "-o", "json",
            .. EmbeddedGroupTiming.Properties.SelectMany(p => new[] { "-X", p }), "-b", bootstrap]);
        await watch.WaitForEventAsync(e => IsState(e) && OwnedBySolo(e), Deadline);

        var killed = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        broker.Process.Kill();
        var unreachable = await watch.WaitForEventAsync(e => IsState(e) && Unreachable(e) is not null, Deadline);
        var took = clock.Elapsed;
        output.WriteLine($"unreachable after {took.TotalSeconds:0.0} s");
        Assert.True(took < UnreachableWithin, $"the first group_state saying the broker is unreachable came {took.TotalSeconds:0.0} s after the kill");
        Assert.Equal("Unknown", unreachable.GetProperty("state").GetString());
        Assert.InRange(Unreachable(unreachable)!.Value, killed.AddSeconds(-3), DateTime.UtcNow);

        await using var again = await StartBrokerAsync(port);
        var restarted = DateTime.UtcNow;
        await watch.WaitForEventAsync(e => IsState(e) && Time(e) > restarted && Unreachable(e) is null && OwnedBySolo(e), Deadline);

        // The outage itself moved nothing: no rebalance was recorded from the kill until the broker was back.
        Assert.DoesNotContain(watch.Events, e => e.GetProperty("event").GetString() == "rebalance"
            && e.GetProperty("completed").GetDateTime().ToUniversalTime() is var completed && completed > killed && completed < restarted);
        // Negative control: while the broker answered, no refresh said it was unreachable.
        Assert.All(watch.Events.Where(e => IsState(e) && Time(e) < killed), e => Assert.Null(Unreachable(e)));
    }

    private sealed record RunningBroker(DemoProcess Process, string Bootstrap) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Process.DisposeAsync();
    }

    private static async Task<RunningBroker> StartBrokerAsync(string port)
    {
        var process = DemoProcess.Start(["broker", "--port", port, "--brokers", "1", "--topic", $"{Topic}:2", "-o", "json"]);
        try
        {
            var started = await process.WaitForEventAsync("broker_started", TimeSpan.FromSeconds(30));
            return new RunningBroker(process, started.GetProperty("bootstrap_servers").GetString()!);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    private static bool IsState(JsonElement e) => e.GetProperty("event").GetString() == "group_state";

    private static DateTime Time(JsonElement e) => e.GetProperty("time").GetDateTime().ToUniversalTime();

    private static DateTime? Unreachable(JsonElement e) =>
        e.TryGetProperty("broker_unreachable_since", out var since) && since.ValueKind == JsonValueKind.String ? since.GetDateTime().ToUniversalTime() : null;

    private static bool OwnedBySolo(JsonElement state)
    {
        var partitions = state.GetProperty("partitions").EnumerateArray().ToList();
        return partitions.Count == 2 && partitions.All(p => p.GetProperty("client_id").GetString() == "solo");
    }
}
