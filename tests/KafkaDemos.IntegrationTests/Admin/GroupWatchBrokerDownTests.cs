using System.Text.Json;
using KafkaDemos.Broker;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Admin;

/// <summary>
/// `demo groups watch` while its broker is gone, on an embedded broker of its own (taking it down must not
/// disturb the other tests): it says since when no broker answers, the state is unknown rather than
/// empty, it records no rebalance that did not happen, and it shows the group again once the broker returns.
/// </summary>
public sealed class GroupWatchBrokerDownTests(KafkaFixture kafka)
{
    private const string Topic = "watched";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task With_the_broker_gone_it_says_since_when_records_no_rebalance_and_recovers_when_it_returns()
    {
        kafka.RequireEmbedded("takes a broker down");
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = 1, Port = 0 });
        broker.CreateTopic(Topic, 2, 1);
        string group = KafkaFixture.UniqueName("g-down");
        await using var watch = DemoProcess.Start(["groups", "watch", group, "--topic", Topic, "-o", "json", "-b", broker.BootstrapServers]);
        await using var member = DemoProcess.Start(["consume", "--topic", Topic, "--group", group, "-X", "client.id=solo", "-o", "json",
            .. ConsumerKit.FastRebalanceArgs(kafka), "-b", broker.BootstrapServers]);
        await watch.WaitForEventAsync(e => IsState(e) && OwnedBySolo(e), Deadline);

        var down = DateTime.UtcNow;
        broker.Cluster.SetBrokerDown(1);
        var unreachable = await watch.WaitForEventAsync(e => IsState(e) && Unreachable(e) is not null, Deadline);
        await Task.Delay(TimeSpan.FromSeconds(8));
        var up = DateTime.UtcNow;
        broker.Cluster.SetBrokerUp(1);
        var back = await watch.WaitForEventAsync(e => IsState(e) && Time(e) > up && Unreachable(e) is null && OwnedBySolo(e), Deadline);
        // A few refreshes more: a member wrongly thought gone after the outage would show up here.
        await watch.WaitForEventAsync(e => IsState(e) && Time(e) > Time(back).AddSeconds(12), Deadline);

        Assert.Equal("Unknown", unreachable.GetProperty("state").GetString());
        Assert.InRange(Unreachable(unreachable)!.Value, down.AddSeconds(-3), up);
        var since = watch.Events.Where(e => IsState(e) && Time(e) > down).ToList();
        Assert.DoesNotContain(since, e => e.GetProperty("state").GetString() == "Empty");
        var moves = watch.Events.Where(e => e.GetProperty("event").GetString() == "rebalance" && e.GetProperty("completed").GetDateTime().ToUniversalTime() > down)
            .SelectMany(e => e.GetProperty("moves").EnumerateArray()).ToList();
        Assert.DoesNotContain(moves, m => m.GetProperty("to").ValueKind == JsonValueKind.Null);
        var last = since.Last();
        Assert.True(OwnedBySolo(last) && Unreachable(last) is null, last.ToString());
        // Negative control: while the broker answered, no refresh said it was unreachable.
        Assert.All(watch.Events.Where(e => IsState(e) && Time(e) < down), e => Assert.Null(Unreachable(e)));
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
