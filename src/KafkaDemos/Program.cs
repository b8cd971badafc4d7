using System.CommandLine;
using KafkaDemos.Admin;
using KafkaDemos.Bench;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Producers;

var root = new RootCommand($"""
    demo: every producer and consumer pattern of the Kafka course, runnable against a real broker.

    Start a broker (`demo broker`, or `docker compose up -d`), then for example:
      demo topics list
      demo produce --mode async
      demo config show

    {ExitCodes.HelpText}
    """)
{
    BrokerCommand.Create(),
    TopicsCommand.Create(),
    ProduceCommand.Create(),
    BenchCommand.Create(),
    ConfigCommand.Create(),
    VersionCommand.Create(),
    CompletionCommand.Create(),
};

return await CliHost.RunAsync(root, args);
