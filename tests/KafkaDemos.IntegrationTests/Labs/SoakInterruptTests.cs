using System.Diagnostics;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Labs;

/// <summary>
/// Stopping `demo lab soak` mid-chaos (SIGTERM, what Ctrl+C does): the producer flushes while the
/// broker and the members are still there, so the stop fails no delivery of its own making, and the
/// lab is gone within seconds. Before, the embedded broker went first and the producer's last
/// messages timed out after message.timeout.ms (30 s, over a thousand failed deliveries) — when the
/// stop met a backlog (a partition whose leader had just moved or gone down); a stop without a
/// backlog finished in time either way, so these runs bound the stop rather than reproduce that race.
/// </summary>
public sealed class SoakInterruptTests(KafkaFixture kafka)
{
    [Theory]
    [InlineData(42)]
    [InlineData(7)]
    public async Task Stopped_mid_chaos_the_lab_fails_no_delivery_and_ends_within_seconds(int seed)
    {
        kafka.RequireEmbedded("the lab's chaos takes the embedded broker's brokers down and up");
        await using var lab = DemoProcess.Start(LabArgs.For(kafka, "lab", "soak", "--duration", "90s", "--rate", "300", "--chaos-every", "2s",
            "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", "json"));
        // Two chaos actions done: the third may be under way (a broker down, a member killed) when the stop comes.
        await lab.WaitForEventAsync(_ => Named(lab, "chaos").Count() >= 2, TimeSpan.FromSeconds(120));

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
