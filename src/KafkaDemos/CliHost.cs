using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using KafkaDemos.Cli;
using KafkaDemos.Core;
using KafkaDemos.Native;

namespace KafkaDemos;

/// <summary>
/// Runs the command tree: usage errors exit 2 (System.CommandLine's default is 1), Ctrl+C,
/// SIGTERM and (on Windows) Ctrl+Break cancel the running demo so it can stop cleanly (a second Ctrl+C exits at once),
/// and nothing unexpected reaches the user as a stack trace.
/// </summary>
public static class CliHost
{
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        var parse = Prepare(root).Parse(args, Parsing);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var line in ParseErrorText.Lines(parse)) Console.Error.WriteLine($"Error: {line}");
            Console.Error.WriteLine($"Run '{ParseErrorText.CommandPath(parse)} --help' for usage and examples.");
            return ExitCodes.Usage;
        }

        using var cancel = new CancellationTokenSource();
        int interrupts = 0;
        Console.CancelKeyPress += (_, e) =>
        {
            if (Interlocked.Increment(ref interrupts) > 1) return; // second Ctrl+C: let the runtime end the process
            e.Cancel = true;
            TextOutput.Notice("Stopping (Ctrl+C again to quit at once) ...");
            cancel.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            cancel.Cancel();
        });
        // Windows: a parent (DemoChild) stops a child demo with Ctrl+Break, which .NET raises as SIGQUIT.
        using var ctrlBreak = OperatingSystem.IsWindows()
            ? PosixSignalRegistration.Create(PosixSignal.SIGQUIT, context =>
            {
                context.Cancel = true;
                cancel.Cancel();
            })
            : null;

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, cancel.Token);
        }
        catch (DllNotFoundException e)
        {
            Console.Error.WriteLine(e is NativeClientMissingException ? $"Error: {e.Message}" : $"Error: the native Kafka client (librdkafka) could not be loaded: {e.Message}");
            return ExitCodes.NativeClientMissing;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Error: unexpected {e.GetType().Name}: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>
    /// How the command line is read. No response files: a value may start with '@' (kcat's
    /// `--offset @TIME`), and System.CommandLine would otherwise read it as a file of arguments.
    /// </summary>
    public static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    /// <summary>Adds the global options and the project's help and version actions: the tree the executable parses with.</summary>
    public static RootCommand Prepare(RootCommand root)
    {
        foreach (var option in root.Options.OfType<VersionOption>())
            option.Action = new PrintVersionAction();
        foreach (var option in root.Options.OfType<HelpOption>())
            if (option.Action is HelpAction help) option.Action = new SummaryHelpAction(help);
        foreach (var option in GlobalOptions.All) root.Options.Add(option);
        return root;
    }

    private sealed class PrintVersionAction : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            Console.Out.WriteLine(VersionInfo.Text);
            return ExitCodes.Success;
        }
    }
}
