using System.CommandLine;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Cli;

/// <summary>
/// Runs a command's body with the shared plumbing: output writer, Ctrl+C, and the mapping of
/// errors to exit codes with a one-line message instead of a stack trace.
/// </summary>
public static class DemoAction
{
    public static void SetDemoAction(this Command command, Func<DemoContext, Task<int>> body) =>
        command.SetAction((parse, token) => RunAsync(parse, body, token));

    public static async Task<int> RunAsync(ParseResult parse, Func<DemoContext, Task<int>> body, CancellationToken token)
    {
        var format = parse.GetValue(GlobalOptions.Output);
        IOutput sink = format == OutputFormat.Json
            ? new JsonOutput(StdoutPipe.Open())
            : new TextOutput(Console.Out, Console.Error);
        // A closed stdout (`| head`) stops the command as Ctrl+C does: the consumer commits only
        // what it printed, the sink keeps rows and positions together, the producer flushes what it sent.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(token, sink.Closed);
        int code;
        try
        {
            code = await body(new DemoContext(parse, sink, format, stop.Token));
        }
        catch (DemoException e)
        {
            sink.Emit(new ErrorEvent(e.Message, ExitCodeName(e.ExitCode)));
            code = e.ExitCode;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            sink.Emit(new InfoEvent("Interrupted."));
            code = ExitCodes.Failed;
        }
        catch (KafkaException e)
        {
            sink.Emit(new ErrorEvent($"Kafka client error: {e.Error.Reason} ({e.Error.Code})", e.Error.Code.ToString(), e.Error.IsFatal));
            code = ExitCodes.Failed;
        }
        finally
        {
            sink.Flush();
        }
        return OutputClosedCode(sink, code);
    }

    /// <summary>
    /// A run whose stdout closed before its end did not show everything it did: it exits 1 (not
    /// 141, the shell's SIGPIPE code, which is outside the project's set), saying so on stderr.
    /// </summary>
    private static int OutputClosedCode(IOutput sink, int code)
    {
        if (!sink.Closed.IsCancellationRequested || code is not (ExitCodes.Success or ExitCodes.Failed)) return code;
        try
        {
            Console.Error.WriteLine($"Stopped early: stdout was closed by its reader; exit code {ExitCodes.Failed}.");
        }
        catch (IOException)
        {
            // stderr is gone too: the exit code says it.
        }
        return ExitCodes.Failed;
    }

    private static string ExitCodeName(int code) => code switch
    {
        ExitCodes.Usage => "usage",
        ExitCodes.BrokerUnreachable => "broker_unreachable",
        _ => "failed",
    };
}
