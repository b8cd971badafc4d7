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
    [Theory]
    [InlineData(42)]
    [InlineData(7)]
    public async Task Stopped_mid_chaos_the_lab_fails_no_delivery_and_ends_within_seconds(int seed)
    {
        kafka.RequireEmbedded("the lab's chaos takes the embedded broker's brokers down and up");
        await using var lab = DemoProcess.Start(LabArgs.For(kafka, "lab", "soak", "--duration", "150s", "--rate", "300", "--chaos-every", "2s",
            "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "json"));
        // A broker has just gone down (the lab says so as it starts): the stop meets the backlog it causes.
        await lab.WaitForEventAsync(e => e.GetProperty("event").GetString() == "chaos" && e.GetProperty("action").GetString() == "broker down + up",
            TimeSpan.FromSeconds(150));

        var stopping = Stopwatch.StartNew();
        lab.Terminate();
        await lab.WaitForExitAsync(TimeSpan.FromSeconds(60));
        stopping.Stop();

        var produce = Named(lab, "summary").Single(s => s.GetProperty("of").GetString() == "produce");
        Assert.True(produce.GetProperty("interrupted").GetBoolean(), produce.ToString());
        Assert.Equal(0, produce.GetProperty("failed").GetInt64());
        Assert.Equal(0, produce.GetProperty("not_delivered").GetInt64());
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(20), $"the lab took {stopping.Elapsed.TotalSeconds:0.0} s to stop");
    }

    private static IEnumerable<System.Text.Json.JsonElement> Named(DemoProcess process, string name) =>
        process.Events.Where(e => e.TryGetProperty("event", out var n) && n.GetString() == name);
}
