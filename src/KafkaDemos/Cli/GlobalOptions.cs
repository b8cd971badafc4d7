using System.CommandLine;
using KafkaDemos.Cli.Output;

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

    public static readonly Option<double?> PreflightTimeout = new("--preflight-timeout")
    {
        Description = "Seconds to wait for the broker check before giving up with exit 3 (default 5, Demo.PreflightTimeoutMs)",
        HelpName = "SECONDS",
        Recursive = true,
    };

    public static IEnumerable<Option> All => [Config, BootstrapServers, Property, Output, PreflightTimeout];
}
