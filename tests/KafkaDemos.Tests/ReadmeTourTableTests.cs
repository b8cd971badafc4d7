using KafkaDemos.Tour;

namespace KafkaDemos.Tests;

/// <summary>The sample tour table (docs/tour.md) is a real passing run: every chapter the tour has, each with verdict pass.</summary>
public sealed class ReadmeTourTableTests
{
    [Fact]
    public void The_sample_tour_table_has_every_chapter_and_every_verdict_is_pass()
    {
        string readme = File.ReadAllText(Path.Combine(ReadmeCommandTests.RepositoryRoot(), "docs", "tour.md"));
        int start = readme.IndexOf("Tour summary", StringComparison.Ordinal);
        int end = readme.IndexOf('╯', start);
        var rows = readme[start..end].Split('\n')
            .Where(l => l.StartsWith('│') && !l.Contains("Verdict", StringComparison.Ordinal))
            .Select(l => l.Split('│', StringSplitOptions.TrimEntries).Where(c => c.Length > 0).ToArray())
            .ToList();

        Assert.Equal(TourChapters.All().Count, rows.Count);
        Assert.All(rows, r => Assert.Equal("pass", r[^1]));
    }

    [Fact]
    public void The_readme_does_not_promise_an_instant_takeover() =>
        Assert.All(ReadmeCommandTests.DocumentPaths(), page =>
            Assert.DoesNotContain("takes all four back at once", File.ReadAllText(page).ReplaceLineEndings(" ")));
}
