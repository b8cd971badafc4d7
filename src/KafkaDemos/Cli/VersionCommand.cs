using System.CommandLine;
using KafkaDemos.Core;

namespace KafkaDemos.Cli;

/// <summary>`demo version`: the same as `demo --version`, and with -o json one "version" event for scripts.</summary>
public static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the versions of demo, Confluent.Kafka and the loaded librdkafka");
        command.SetDemoAction(ctx =>
        {
            ctx.Output.Emit(new VersionEvent(VersionInfo.ToolVersion, VersionInfo.ConfluentKafkaVersion, VersionInfo.LibrdkafkaVersion, Environment.Version.ToString()));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}

/// <summary>The versions: in text mode the lines of `demo --version`, in JSON one object.</summary>
public sealed record VersionEvent(string Demo, string ConfluentKafka, string Librdkafka, string Dotnet) : DemoEvent("version", isData: true)
{
    public override string? ToText() => $"demo {Demo}\nConfluent.Kafka {ConfluentKafka}\nlibrdkafka {Librdkafka}\n.NET {Dotnet}";
}
