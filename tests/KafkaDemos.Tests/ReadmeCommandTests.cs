using System.Text;
using System.Text.RegularExpressions;
using KafkaDemos.Cli;

namespace KafkaDemos.Tests;

/// <summary>
/// Every `./demo ...` command line that README.md and the pages of docs/ show parses with the executable's
/// own command tree, real arguments and all: a learner who pastes one meets no usage error.
/// </summary>
public sealed partial class ReadmeCommandTests
{
    public static TheoryData<string, string> Commands()
    {
        var data = new TheoryData<string, string>();
        foreach (string page in DocumentPaths())
            foreach (string command in ReadmeCommands(File.ReadAllText(page)))
                data.Add(RelativeName(page), command);
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Readme_command_parses(string page, string command)
    {
        var parse = CliHost.Prepare(CommandTree.Create()).Parse(ShellWords(command));

        Assert.True(parse.Errors.Count == 0, $"{page}: ./demo {command}: " + string.Join("; ", ParseErrorText.Lines(parse)));
    }

    [Fact]
    public void The_readme_shows_the_multi_terminal_commands() =>
        Assert.Contains("produce --mode async --topic ak03.fourpartition --count 10000 --interval 3s", ReadmeCommands(File.ReadAllText(ReadmePath())));

    [Fact]
    public void The_commands_of_the_docs_pages_are_checked_too()
    {
        Assert.Contains(DocumentPaths(), p => RelativeName(p) == "docs/sink.md");
        Assert.Contains("sink --topic testnum --group counters --to sqlite:data/numbers.db",
            ReadmeCommands(File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "sink.md"))));
    }

    [Fact]
    public void A_readme_command_that_does_not_parse_is_caught()
    {
        var parse = CliHost.Prepare(CommandTree.Create()).Parse(ShellWords("produce --interval 3x"));

        Assert.NotEmpty(parse.Errors);
    }

    /// <summary>An example that writes a SQLite file writes it under data/, which git ignores, never into the repository.</summary>
    [Fact]
    public void Every_sqlite_file_of_the_examples_is_under_the_ignored_data_directory()
    {
        var outside = (
            from page in DocumentPaths()
            from command in ReadmeCommands(File.ReadAllText(page))
            from file in SqliteFiles(command)
            where !file.StartsWith("data/", StringComparison.Ordinal)
            select $"{RelativeName(page)}: ./demo {command}").ToList();

        Assert.Empty(outside);
        Assert.Contains("data/", File.ReadAllLines(Path.Combine(RepositoryRoot(), ".gitignore")));
        Assert.Equal(["numbers.db"], SqliteFiles("sink --to sqlite:numbers.db")); // the control: what the check reports
    }

    private static IEnumerable<string> SqliteFiles(string command) =>
        ShellWords(command).SelectMany(w => SqlitePath().Matches(w)).Select(m => m.Groups[1].Value);

    /// <summary>The text after each `./demo ` in the README's code (fenced blocks and inline spans), up to a pipe, redirect or comment.</summary>
    internal static List<string> ReadmeCommands(string readme)
    {
        var code = new List<string>();
        bool fenced = false;
        foreach (string line in readme.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }
            if (fenced) code.Add(UpToShellOperator(line, "#"));
            else code.AddRange(InlineCode().Matches(line).Select(m => m.Groups[1].Value));
        }
        var commands = new List<string>();
        foreach (string text in code)
            foreach (Match m in DemoCall().Matches(text))
                commands.Add(UpToShellOperator(text[(m.Index + m.Length)..], "|;><)#&").Trim());
        return commands.Where(c => c.Length > 0).Distinct().ToList();
    }

    /// <summary>The text up to the first of <paramref name="stops"/> outside quotes.</summary>
    private static string UpToShellOperator(string text, string stops)
    {
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
            }
            else if (c is '\'' or '"') quote = c;
            else if (stops.Contains(c)) return text[..i];
        }
        return text;
    }

    /// <summary>Words as a POSIX shell splits them: single and double quotes group, and are removed.</summary>
    internal static string[] ShellWords(string command)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        foreach (char c in command)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else word.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord) words.Add(word.ToString());
        return [.. words];
    }

    internal static string ReadmePath() => Path.Combine(RepositoryRoot(), "README.md");

    /// <summary>README.md and every page of docs/, the documents a learner pastes commands from.</summary>
    internal static List<string> DocumentPaths() =>
        [ReadmePath(), .. Directory.GetFiles(Path.Combine(RepositoryRoot(), "docs"), "*.md").Order(StringComparer.Ordinal)];

    internal static string RelativeName(string path) =>
        Path.GetRelativePath(RepositoryRoot(), path).Replace('\\', '/');

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KafkaDemos.sln"))) return dir.FullName;
        throw new FileNotFoundException("KafkaDemos.sln, above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"(?<![\w/.-])\./demo(?=\s)")]
    private static partial Regex DemoCall();

    [GeneratedRegex(@"sqlite:(\S+)")]
    private static partial Regex SqlitePath();
}
