using System.Diagnostics;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Labs;

/// <summary>
/// Stopping `demo lab soak` mid-chaos (SIGTERM, what Ctrl+C does): the producer flushes while the
/// broker and the members are still there, so the stop fails no delivery of its own making, and the
/// lab is gone within seconds. Before, the embedded broker went first and the producer's last
/// messages timed out after message.timeout.ms (30 s, over a thousand failed deliveries). The stop
/// comes while a broker is down, when the producer holds a backlog for its partitions: the case
/// that lost them.
/// </summary>
public sealed class SoakInterruptTests(KafkaFixture kafka)
{
    /// <param name="reconnectBackoffMs">
    /// 0 keeps the lab's own backoff (a broker is tried again within a second). 6000 makes the
    /// producer wait about 6 s before it reconnects to the broker that went down, so its flush
    /// outlasts the members' stop: a stop that let the broker go before the flush ended fails the
    /// records still waiting. With the members stopped before the flush (the order before the fix),
    /// the order check failed on every case here.
    /// </param>
    [Theory]
    [InlineData(42, 0)]
    [InlineData(7, 6000)]
    [InlineData(2024, 6000)]
    public async Task Stopped_mid_chaos_the_lab_fails_no_delivery_and_ends_within_seconds(int seed, int reconnectBackoffMs)
    {
        kafka.RequireEmbedded("the lab's chaos takes the embedded broker's brokers down and up");
        string[] backoff = reconnectBackoffMs == 0 ? [] :
            ["-X", $"reconnect.backoff.ms={reconnectBackoffMs}", "-X", $"reconnect.backoff.max.ms={reconnectBackoffMs}"];
        await using var lab = DemoProcess.Start(LabArgs.For(kafka, ["lab", "soak", "--duration", "150s", "--rate", "300", "--chaos-every", "2s",
            "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "json", .. backoff]));
        // A broker has just gone down (the lab says so as it starts): the stop meets the backlog it causes.
        await lab.WaitForEventAsync(e => e.GetProperty("event").GetString() == "chaos" && e.GetProperty("action").GetString() == "broker down + up",
            TimeSpan.FromSeconds(150));

        var stopTime = Stopwatch.StartNew();
        lab.Terminate();
        await lab.WaitForExitAsync(TimeSpan.FromSeconds(60));
        stopTime.Stop();

        var produce = Named(lab, "summary").Single(s => s.GetProperty("of").GetString() == "produce");
        // The order of the stop: the producer's flush ended (its summary) before the members were stopped.
        var events = lab.Events.ToList();
        int flushed = events.FindIndex(e => e.GetProperty("event").GetString() == "summary" && e.GetProperty("of").GetString() == "produce");
        int stopping = events.FindIndex(e => e.GetProperty("event").GetString() == "info" &&
            e.GetProperty("message").GetString()!.StartsWith("Stopping the ", StringComparison.Ordinal));
        Assert.True(flushed >= 0 && stopping > flushed, $"the members were stopped (event {stopping}) before the producer had flushed (event {flushed})");
        Assert.True(produce.GetProperty("interrupted").GetBoolean(), produce.ToString());
        Assert.Equal(0, produce.GetProperty("failed").GetInt64());
        Assert.Equal(0, produce.GetProperty("not_delivered").GetInt64());
        Assert.True(stopTime.Elapsed < TimeSpan.FromSeconds(20), $"the lab took {stopTime.Elapsed.TotalSeconds:0.0} s to stop");
    }

    private static IEnumerable<System.Text.Json.JsonElement> Named(DemoProcess process, string name) =>
        process.Events.Where(e => e.TryGetProperty("event", out var n) && n.GetString() == name);
}
