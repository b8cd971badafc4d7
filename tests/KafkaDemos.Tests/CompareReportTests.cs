using KafkaDemos.Compare;

namespace KafkaDemos.Tests;

/// <summary>bench/Compare's pure parts: its options and the table it prints from the runs.</summary>
public sealed class CompareReportTests
{
    [Fact]
    public void Options_take_the_scripts_defaults_and_values()
    {
        Assert.Equal(new ComparisonOptions(1_000_000, 3, 39500, 100), ParsedArguments.Parse([]).Options);
        Assert.Equal(new ComparisonOptions(1000, 5, 29092, 64), ParsedArguments.Parse(["--count", "1000", "--rounds", "5", "--port", "29092", "--size", "064"]).Options);
        Assert.True(ParsedArguments.Parse(["--count", "5", "-h"]).Help);
    }

    [Theory]
    [InlineData("--count abc", "--count 'abc' is not a whole number")]
    [InlineData("--count 0", "--count 0 must be between 1 and 2147483647")]
    [InlineData("--count 99999999999999999999", "--count 99999999999999999999 must be between 1 and 2147483647")]
    [InlineData("--rounds 101", "--rounds 101 must be between 1 and 100")]
    [InlineData("--port 65534", "--port 65534 must be between 1 and 65533")]
    [InlineData("--size -1", "--size '-1' is not a whole number")]
    [InlineData("--size", "--size needs a value")]
    [InlineData("--fast", "unknown argument '--fast'")]
    public void A_bad_option_names_its_value(string line, string error)
    {
        var parsed = ParsedArguments.Parse(line.Split(' '));

        Assert.Null(parsed.Options);
        Assert.Equal(error, parsed.Error);
    }

    [Fact]
    public void Median_of_odd_and_even_counts()
    {
        Assert.Equal(3, Report.Median([5, 1, 3]));
        Assert.Equal(2.5, Report.Median([4, 1, 3, 2]));
        Assert.Null(Report.Median([]));
    }

    [Fact]
    public void The_table_shows_medians_and_ratios_of_like_to_like()
    {
        RunResult[] runs =
        [
            new("bare async", 1, 100_000, 2.0, 2.5, 70),
            new("bare async", 2, 600_000, 4.0, 4.5, 72),
            new("bare async", 3, 200_000, 3.0, 3.5, 71),
            new("demo async", 1, 180_000, 3.3, 4.0, 90),
            new("demo async", 2, 150_000, 3.6, 4.4, 120),
            new("demo async", 3, 120_000, 3.9, 4.8, 95),
            new("kcat -P", 1, 400_000, null, 1.0, 15),
            new("kcat -P", 2, 600_000, null, 1.2, 14),
        ];

        string table = Report.Table(runs, rounds: 3);

        // demo async: median 150,000 = 0.75x the bare loop's 200,000 and 0.30x kcat -P's 500,000
        // (the median of two runs); CPU 3.6 against the bare loop's 3.0 = 1.20x; peak the largest run.
        Assert.Contains("| demo async | 150,000 | 120,000 | 180,000 | 0.75x | - | 0.30x | 3.60 | 1.20x | 4.40 | 120 |", table);
        Assert.Contains("| kcat -P (2 of 3 runs) | 500,000 | 400,000 | 600,000 | - | - | - | - | - | 1.10 | 15 |", table);
        Assert.DoesNotContain("| Python", table);
        // Negative control: a ratio of means (150,000 / the bare loop's skewed 300,000) would read 0.50x.
        Assert.DoesNotContain("0.50x", table);

        string targets = Report.Targets(runs, [120, 160, 140]);
        Assert.Contains("| demo async ≥ 0.9x bare async (msg/s) | 0.75x | no |", targets);
        Assert.Contains("| demo async CPU µs/record ≤ 1.15x bare async | 1.20x | no |", targets);
        Assert.Contains("| demo async ≥ 1.0x Python async (msg/s) | not measured | - |", targets);
        Assert.Contains("| demo peak memory < 200 MB (largest of its runs) | 120 MB | yes |", targets);
        Assert.Contains("| `demo --help` ≤ 150 ms (median) | 140 ms | yes |", targets);
    }
}
