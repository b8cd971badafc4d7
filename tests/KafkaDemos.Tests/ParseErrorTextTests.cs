using System.CommandLine;
using KafkaDemos.Cli;

namespace KafkaDemos.Tests;

/// <summary>Parse errors as the executable prints them: the flag, the value and the accepted form, never a .NET type name.</summary>
public sealed class ParseErrorTextTests
{
    private static List<string> ErrorLines(params string[] args) =>
        ParseErrorText.Lines(CliHost.Prepare(CommandTree.Create()).Parse(args)).ToList();

    [Theory]
    [InlineData(new[] { "produce", "-n", "abc" }, "--count 'abc' is not a whole number")]
    [InlineData(new[] { "produce", "-n", "99999999999" }, "--count '99999999999' is not a whole number from -2147483648 to 2147483647")]
    [InlineData(new[] { "produce", "-o", "yaml" }, "--output 'yaml' is not one of: text, json")]
    [InlineData(new[] { "produce", "--interval", "abc" }, "--interval 'abc' is not a duration: use 500ms, 2s")]
    [InlineData(new[] { "consume", "--process-delay", "soon" }, "--process-delay 'soon' is not a duration")]
    [InlineData(new[] { "consume", "-n", "ten" }, "--max-messages 'ten' is not a whole number")]
    [InlineData(new[] { "topics", "list", "--preflight-timeout", "5 s" }, "--preflight-timeout '5 s' is not a duration")]
    public void Bad_values_name_the_flag_and_the_accepted_form(string[] args, string expected)
    {
        var lines = ErrorLines(args);

        Assert.Contains(lines, l => l.Contains(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("System.", StringComparison.Ordinal) || l.Contains("KafkaDemos.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "foo" }, "'foo' is not a command of 'demo'. Commands: tour, lab,")]
    [InlineData(new[] { "lab", "foo" }, "'foo' is not a command of 'demo lab'. Commands: rebalance, delivery, commits, sink, soak.")]
    public void An_unknown_command_is_named_on_the_first_line(string[] args, string expected)
    {
        var lines = ErrorLines(args);

        Assert.StartsWith(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.Contains("Required command", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_the_rewrite_the_type_name_shows()
    {
        var parse = CliHost.Prepare(CommandTree.Create()).Parse(["produce", "-n", "abc"]);

        Assert.Contains(parse.Errors, e => e.Message.Contains("System.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("3s")]
    [InlineData("3")]
    [InlineData("3000ms")]
    [InlineData("0.05m")]
    public void Every_duration_flag_takes_the_same_forms(string text)
    {
        var root = CliHost.Prepare(CommandTree.Create());
        var expected = TimeSpan.FromSeconds(3);

        Assert.Equal(expected, ValueOf<TimeSpan>(root.Parse(["produce", "--interval", text]), "--interval"));
        Assert.Equal(expected, ValueOf<TimeSpan>(root.Parse(["consume", "--process-delay", text]), "--process-delay"));
        Assert.Equal(expected, ValueOf<TimeSpan>(root.Parse(["lab", "commits", "--process-delay", text]), "--process-delay"));
        Assert.Equal(expected, ValueOf<TimeSpan?>(root.Parse(["topics", "list", "--preflight-timeout", text]), "--preflight-timeout"));
    }

    [Theory]
    [InlineData("-1s")]
    [InlineData("3x")]
    [InlineData("")]
    [InlineData("NaN")]
    public void Malformed_durations_are_refused(string text) => Assert.Null(DurationOption.TryParse(text));

    private static T ValueOf<T>(ParseResult parse, string name)
    {
        Assert.Empty(parse.Errors);
        return parse.GetValue<T>(name)!;
    }
}
