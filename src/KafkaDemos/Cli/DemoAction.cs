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
            ? new JsonOutput(Console.OpenStandardOutput())
            : new TextOutput(Console.Out, Console.Error);
        try
        {
            return await body(new DemoContext(parse, sink, format, token));
        }
        catch (DemoException e)
        {
            sink.Emit(new ErrorEvent(e.Message, ExitCodeName(e.ExitCode)));
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            sink.Emit(new InfoEvent("Interrupted."));
            return ExitCodes.Failed;
        }
        catch (KafkaException e)
        {
            sink.Emit(new ErrorEvent($"Kafka client error: {e.Error.Reason} ({e.Error.Code})", e.Error.Code.ToString(), e.Error.IsFatal));
            return ExitCodes.Failed;
        }
        finally
        {
            sink.Flush();
        }
    }

    private static string ExitCodeName(int code) => code switch
    {
        ExitCodes.Usage => "usage",
        ExitCodes.BrokerUnreachable => "broker_unreachable",
        _ => "failed",
    };
}
