using System.Text.RegularExpressions;

namespace KafkaDemos.Tests;

/// <summary>
/// Every markdown link of README.md and docs/*.md to a file of the repository points at a file that exists,
/// and a link to a heading (`page.md#heading`, `#heading`) at a heading that exists.
/// </summary>
public sealed partial class MarkdownLinkTests
{
    public static TheoryData<string> Pages()
    {
        var data = new TheoryData<string>();
        foreach (string page in ReadmeCommandTests.DocumentPaths()) data.Add(ReadmeCommandTests.RelativeName(page));
        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Every_local_link_resolves(string page)
    {
        string path = Path.Combine(ReadmeCommandTests.RepositoryRoot(), page);

        Assert.Empty(BrokenLinks(File.ReadAllText(path), Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void The_readme_links_every_docs_page()
    {
        string readme = File.ReadAllText(ReadmeCommandTests.ReadmePath());
        var linked = LocalLinks(readme).Select(l => l.Split('#')[0]).ToHashSet();

        Assert.All(ReadmeCommandTests.DocumentPaths().Skip(1).Select(ReadmeCommandTests.RelativeName),
            page => Assert.Contains(page, linked));
    }

    [Fact]
    public void A_link_to_a_missing_file_or_heading_is_caught()
    {
        string root = ReadmeCommandTests.RepositoryRoot();
        string text = "See [the events](docs/events.md), [a page](docs/no-such-page.md), [a heading](README.md#quick-start), "
                    + "[no heading](README.md#no-such-heading), [web](https://kafka.apache.org/) and `[code](nowhere.md)`.";

        Assert.Equal(["docs/no-such-page.md", "README.md#no-such-heading"], BrokenLinks(text, root));
    }

    [Fact]
    public void Headings_become_github_anchors() =>
        Assert.Equal(["failures-and-ctrlc", "demo-lab-rebalance", "the-courses-code-line-by-line"],
            Anchors("## Failures and Ctrl+C\n```\n## not a heading\n```\n## `demo lab rebalance`\n### The course's code, line by line\n"));

    /// <summary>The local links of <paramref name="markdown"/> (relative to <paramref name="directory"/>) whose file or heading is missing.</summary>
    internal static List<string> BrokenLinks(string markdown, string directory)
    {
        var broken = new List<string>();
        foreach (string link in LocalLinks(markdown))
        {
            string[] parts = link.Split('#', 2);
            string file = parts[0].Length == 0 ? "" : Path.GetFullPath(Path.Combine(directory, Uri.UnescapeDataString(parts[0])));
            if (file.Length > 0 && !File.Exists(file) && !Directory.Exists(file))
            {
                broken.Add(link);
                continue;
            }
            if (parts.Length < 2 || (file.Length > 0 && !file.EndsWith(".md", StringComparison.OrdinalIgnoreCase))) continue;
            string target = file.Length == 0 ? markdown : File.ReadAllText(file);
            if (!Anchors(target).Contains(parts[1])) broken.Add(link);
        }
        return broken;
    }

    /// <summary>Link targets outside code that are neither a web address nor mail: files of the repository and headings.</summary>
    internal static List<string> LocalLinks(string markdown)
    {
        var links = new List<string>();
        bool fenced = false;
        foreach (string line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }
            if (fenced) continue;
            string prose = InlineCode().Replace(line, "");
            foreach (Match m in Link().Matches(prose))
            {
                string target = m.Groups[1].Value;
                if (!Scheme().IsMatch(target)) links.Add(target);
            }
        }
        return links;
    }

    /// <summary>The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens.</summary>
    internal static List<string> Anchors(string markdown)
    {
        var anchors = new List<string>();
        bool fenced = false;
        foreach (string line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            else if (!fenced && Heading().Match(line) is { Success: true } h)
                anchors.Add(AnchorDrop().Replace(h.Groups[1].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-'));
        }
        return anchors;
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex("`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex("^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6} (.+)$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex AnchorDrop();
}
