using System.CommandLine;
using KafkaDemos.Core;

namespace KafkaDemos.Cli;

/// <summary>Options every command accepts (System.CommandLine "recursive" options on the root).</summary>
public static class GlobalOptions
{
    public static readonly Option<string[]> Config = new("--config")
    {
        Description = "Config file: a .json replaces appsettings.json; a .properties file (client.properties) adds client properties. Repeatable.",
        HelpName = "FILE",
        Recursive = true,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public static readonly Option<string?> BootstrapServers = new("--bootstrap-servers", "-b")
    {
        Description = "Broker list, overrides bootstrap.servers (e.g. -b localhost:9092)",
        HelpName = "HOST:PORT[,...]",
        Recursive = true,
    };

    public static readonly Option<string[]> Property = new("-X")
    {
        Description = "Client property passthrough like kcat, repeatable (e.g. -X linger.ms=5 -X acks=all)",
        HelpName = "KEY=VALUE",
        Recursive = true,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    public static readonly Option<OutputFormat> Output = new("--output", "-o")
    {
        Description = "text: course-style lines (data on stdout, status on stderr); json: one event object per line on stdout",
        HelpName = "text|json",
        Recursive = true,
        DefaultValueFactory = _ => OutputFormat.Text,
    };

    public static readonly Option<TimeSpan?> PreflightTimeout = Recursive(DurationOption.CreateOptional("--preflight-timeout",
        "How long to wait for the broker check before giving up with exit 3, e.g. 5s (default 5s, Demo.PreflightTimeoutMs)"));

    private static Option<T> Recursive<T>(Option<T> option)
    {
        option.Recursive = true;
        return option;
    }

    public static IEnumerable<Option> All => [Config, BootstrapServers, Property, Output, PreflightTimeout];
}
