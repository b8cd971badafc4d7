using KafkaDemos.Core;

namespace KafkaDemos.Tests;

public sealed class LatencyRecorderTests
{
    [Fact]
    public void Percentiles_are_nearest_rank_over_every_recorded_value()
    {
        var recorder = new LatencyRecorder(expected: 16);
        // 1..100 ms in shuffled order, so the summary must sort them.
        foreach (int ms in Enumerable.Range(1, 100).OrderBy(i => (i * 37) % 101)) recorder.Record(ms);

        var summary = recorder.Summarize()!;

        Assert.Equal(100, summary.Count);
        Assert.Equal(50.5, summary.Avg, 6);
        Assert.Equal(50, summary.P50);
        Assert.Equal(95, summary.P95);
        Assert.Equal(99, summary.P99);
        Assert.Equal(100, summary.P999);
        Assert.Equal(100, summary.Max);
    }

    [Fact]
    public void One_value_is_every_percentile()
    {
        var recorder = new LatencyRecorder();
        recorder.Record(7.5);

        var summary = recorder.Summarize()!;

        Assert.Equal([7.5, 7.5, 7.5, 7.5, 7.5], [summary.P50, summary.P95, summary.P99, summary.P999, summary.Max]);
    }

    [Fact]
    public void Nothing_recorded_is_no_summary() => Assert.Null(new LatencyRecorder().Summarize());

    [Fact]
    public void Recording_from_several_threads_keeps_every_value_and_grows_past_the_expected_count()
    {
        var recorder = new LatencyRecorder(expected: 16);

        Parallel.For(0, 4, t => { for (int i = 1; i <= 10_000; i++) recorder.Record(i); });

        var summary = recorder.Summarize()!;
        Assert.Equal(40_000, summary.Count);
        Assert.Equal(10_000, summary.Max);
        Assert.Equal(5_000, summary.P50);
        Assert.True(summary.P50 <= summary.P95 && summary.P95 <= summary.P99 && summary.P99 <= summary.P999 && summary.P999 <= summary.Max);
    }

    [Theory]
    [InlineData(50, 2)]
    [InlineData(75, 3)]
    [InlineData(76, 4)]
    [InlineData(100, 4)]
    [InlineData(0, 1)]
    public void Percentile_of_four_values(double percent, float expected) =>
        Assert.Equal(expected, LatencyRecorder.Percentile([1f, 2f, 3f, 4f], percent));
}
