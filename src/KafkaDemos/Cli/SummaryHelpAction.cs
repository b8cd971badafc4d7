using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using KafkaDemos.Core;

namespace KafkaDemos.Cli;

/// <summary>
/// Command descriptions are long (what the course says, examples); in a parent's list of
/// subcommands only their first line is shown, while `demo X --help` prints X's in full,
/// followed by the exit codes, which are the same for every command.
/// </summary>
public sealed class SummaryHelpAction(HelpAction inner) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var children = parseResult.CommandResult.Command.Subcommands;
        var full = children.ToDictionary(c => c, c => c.Description);
        foreach (var child in children) child.Description = FirstLine(child.Description);
        try
        {
            int result = inner.Invoke(parseResult);
            if (parseResult.CommandResult.Command is not RootCommand)
                parseResult.InvocationConfiguration.Output.WriteLine(ExitCodes.HelpText + Environment.NewLine);
            return result;
        }
        finally
        {
            foreach (var (child, description) in full) child.Description = description;
        }
    }

    private static string? FirstLine(string? description) =>
        description?.Split('\n', 2)[0].Trim();
}
