using System.CommandLine;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Tests;

/// <summary>Topic names are checked as Kafka checks them, by every command that takes one, before any client sees them.</summary>
public sealed class TopicNameTests
{
    public static readonly TheoryData<string> Illegal = new() { "", ".", "..", "bad topic!", "a/b", "t:x:1", new string('t', 250) };

    [Theory]
    [InlineData("ak03.fourpartition")]
    [InlineData("lab_commits-1")]
    [InlineData("...")]
    public void Legal_names_pass(string name) => Assert.Null(TopicNames.Problem(name));

    [Fact]
    public void The_longest_legal_name_has_249_characters()
    {
        Assert.Null(TopicNames.Problem(new string('t', 249)));
        Assert.Contains("250 characters", TopicNames.Problem(new string('t', 250)));
    }

    /// <summary>Every --topic flag and topic argument in the tree, found by walking it, so a new command cannot skip the check.</summary>
    public static TheoryData<string> TopicInputs()
    {
        var data = new TheoryData<string>();
        foreach (var (path, command) in Walk(CliHost.Prepare(CommandTree.Create()), []))
        {
            // Other required arguments (groups watch GROUP) get a value, so the topic check is the one that speaks.
            string others = string.Concat(command.Arguments.Where(a => a.Name != "NAME" && a.Arity.MinimumNumberOfValues > 0).Select(a => $" {a.Name.ToLowerInvariant()}-value"));
            foreach (var option in command.Options.Where(o => o.Name == "--topic")) data.Add(string.Join(' ', path) + others + " --topic");
            foreach (var argument in command.Arguments.Where(a => a.Name == "NAME")) data.Add(string.Join(' ', path) + " <NAME>");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TopicInputs))]
    public void Every_command_refuses_illegal_topic_names(string input)
    {
        Assert.True(TopicInputs().Count >= 7, "the walk found the topic inputs of produce, consume, groups, topics, bench and broker");
        foreach (string name in Illegal)
        {
            string[] path = input.Split(' ')[..^1];
            string[] args = input.EndsWith("<NAME>", StringComparison.Ordinal) ? [.. path, name] : [.. path, "--topic", name];
            var lines = ParseErrorText.Lines(CliHost.Prepare(CommandTree.Create()).Parse(args)).ToList();

            string named = (input.EndsWith("<NAME>", StringComparison.Ordinal) ? "<NAME> '" : "--topic '") + name[..Math.Min(name.Length, 40)];
            Assert.Contains(lines, l => l.Contains(named, StringComparison.Ordinal) && l.Contains("topic", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void A_legal_name_gives_no_topic_error()
    {
        var lines = ParseErrorText.Lines(CliHost.Prepare(CommandTree.Create()).Parse(["produce", "--topic", "ak03.fourpartition"])).ToList();

        Assert.Empty(lines);
    }

    [Fact]
    public void The_default_topic_from_the_configuration_is_checked_too()
    {
        var config = ConfigLoader.Load(new ConfigRequest
        {
            Flags = [new FlagSetting(ConfigSections.Demo, DemoSettings.TopicKey, "bad topic!", "--topic")],
        });

        var error = Assert.Throws<UsageException>(() => config.Demo.Topic);
        Assert.Contains("'bad topic!'", error.Message);
    }

    private static IEnumerable<(string[] Path, Command Command)> Walk(Command command, string[] path)
    {
        string[] here = command is RootCommand ? [] : [.. path, command.Name];
        yield return (here, command);
        foreach (var sub in command.Subcommands)
            foreach (var found in Walk(sub, here)) yield return found;
    }
}
