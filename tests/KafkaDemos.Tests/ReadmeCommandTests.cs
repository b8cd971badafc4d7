using System.Text;
using System.Text.RegularExpressions;
using KafkaDemos.Cli;

namespace KafkaDemos.Tests;

/// <summary>
/// Every `./demo ...` command line the README shows parses with the executable's own command tree,
/// real arguments and all: a learner who pastes one meets no usage error.
/// </summary>
public sealed partial class ReadmeCommandTests
{
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (string command in ReadmeCommands(File.ReadAllText(ReadmePath()))) data.Add(command);
        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void Readme_command_parses(string command)
    {
        var parse = CliHost.Prepare(CommandTree.Create()).Parse(ShellWords(command));

        Assert.True(parse.Errors.Count == 0, $"./demo {command}: " + string.Join("; ", ParseErrorText.Lines(parse)));
    }

    [Fact]
    public void The_readme_shows_the_multi_terminal_commands() =>
        Assert.Contains("produce --mode async --topic ak03.fourpartition --count 10000 --interval 3s", ReadmeCommands(File.ReadAllText(ReadmePath())));

    [Fact]
    public void A_readme_command_that_does_not_parse_is_caught()
    {
        var parse = CliHost.Prepare(CommandTree.Create()).Parse(ShellWords("produce --interval 3x"));

        Assert.NotEmpty(parse.Errors);
    }

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

    internal static string ReadmePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KafkaDemos.sln"))) return Path.Combine(dir.FullName, "README.md");
        throw new FileNotFoundException("README.md next to KafkaDemos.sln, above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"(?<![\w/.-])\./demo(?=\s)")]
    private static partial Regex DemoCall();
}
