using System.CommandLine;
using KafkaDemos.Admin;
using KafkaDemos.Bench;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Consumers;
using KafkaDemos.Labs;
using KafkaDemos.Producers;
using KafkaDemos.Sink;

var root = new RootCommand($"""
    demo: every producer and consumer pattern of the Kafka course, runnable against a real broker.

    Start a broker (`demo broker`, or `docker compose up -d`), then for example:
      demo topics list
      demo tour
      demo produce --mode async
      demo consume --commit sync
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

return await CliHost.RunAsync(root, args);
