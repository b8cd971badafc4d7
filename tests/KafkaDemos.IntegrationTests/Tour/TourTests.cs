using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Tour;

/// <summary>`demo tour` as a learner runs it: the built binary, end to end.</summary>
[Collection(RebalanceTiming.Name)]
public sealed class TourTests(KafkaFixture kafka)
{
    [Fact]
    public async Task The_whole_tour_passes_on_the_embedded_broker_and_its_summary_adds_up()
    {
        var result = await DemoProcess.RunAsync(["tour", "--embedded", "-o", "json"], TimeSpan.FromSeconds(180));

        Assert.True(result.ExitCode == 0, result.ToString());
        var summary = result.Summary;
        Assert.Equal("tour", summary.GetProperty("of").GetString());
        Assert.Equal(10, summary.GetProperty("chapters").GetInt32());
        Assert.Equal(10, summary.GetProperty("passed").GetInt32());
        Assert.Equal(0, summary.GetProperty("failed").GetInt32());
        Assert.Equal("embedded", summary.GetProperty("broker").GetString());
        var chapters = result.OfEvent("chapter_result").ToList();
        Assert.Equal(10, chapters.Count);
        Assert.All(chapters, c =>
        {
            var outcome = c.GetProperty("outcome");
            Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString());
            Assert.Equal(0, outcome.GetProperty("duplicates").GetInt64());
            Assert.Equal(0, outcome.GetProperty("lost").GetInt64());
        });
        // Every check the tour printed is one it passed; there is at least one per chapter.
        var checks = result.OfEvent("check").ToList();
        Assert.True(checks.Count >= 40, $"{checks.Count} checks");
        Assert.All(checks, c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
        Assert.Single(result.OfEvent("table"));
    }

    [Fact]
    public async Task Chapters_run_on_a_configured_broker_without_the_topic_admin_API()
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs("tour", "--chapter", "idempotent", "--chapter", "specified", "-o", "json"), TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, result.Summary.GetProperty("passed").GetInt32());
        Assert.Equal("configured", result.Summary.GetProperty("broker").GetString());
    }

    [Fact]
    public async Task An_unknown_chapter_exits_2_and_lists_the_chapters()
    {
        var result = await DemoProcess.RunAsync(["tour", "--chapter", "everything"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'everything'", result.Stderr);
        Assert.Contains("rebalance", result.Stderr);
    }
}
