using System.CommandLine;
using KafkaDemos.Core;

namespace KafkaDemos.Cli;

/// <summary>`demo version`: the same as `demo --version`.</summary>
public static class VersionCommand
{
    public static Command Create()
    {
        var command = new Command("version", "Print the versions of demo, Confluent.Kafka and the loaded librdkafka");
        command.SetAction(_ =>
        {
            Console.Out.WriteLine(VersionInfo.Text);
            return ExitCodes.Success;
        });
        return command;
    }
}
