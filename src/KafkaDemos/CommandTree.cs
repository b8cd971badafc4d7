using System.CommandLine;
using KafkaDemos.Admin;
using KafkaDemos.Bench;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.Labs;
using KafkaDemos.Producers;
using KafkaDemos.Sink;
using KafkaDemos.Tour;

namespace KafkaDemos;

/// <summary>The `demo` command tree, built once here so that the executable and the README's checks parse with the same tree.</summary>
public static class CommandTree
{
    public static RootCommand Create() => new($"""
        demo: every producer and consumer pattern of the Kafka course, runnable against a real broker.

        Start a broker (`demo broker`, or `docker compose up -d`), then for example:
          demo topics list
          demo tour
          demo produce --mode async
          demo consume --commit sync
          demo sink --topic testnum --group counters
          demo config show

        {ExitCodes.HelpText}
        """)
    {
        TourCommand.Create(),
        LabCommand.Create(),
        BrokerCommand.Create(),
        TopicsCommand.Create(),
        ProduceCommand.Create(),
        ConsumeCommand.Create(),
        SinkCommand.Create(),
        GroupsCommand.Create(),
        BenchCommand.Create(),
        ConfigCommand.Create(),
        VersionCommand.Create(),
        CompletionCommand.Create(),
    };
}
