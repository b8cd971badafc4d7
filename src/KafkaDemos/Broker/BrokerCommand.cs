using System.CommandLine;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Broker;

/// <summary>`demo broker`: the embedded development broker in the foreground until Ctrl+C.</summary>
public static class BrokerCommand
{
    public static Command Create()
    {
        var brokers = new Option<int>("--brokers") { Description = "Number of brokers (3 shows replicas, leaders and ISR)", DefaultValueFactory = _ => 3, HelpName = "N" };
        var port = new Option<int>("--port") { Description = "Port of broker 1; broker N listens on PORT+N-1. 0 picks free ports", DefaultValueFactory = _ => 9092, HelpName = "PORT" };
        var topics = new Option<string[]>("--topic", "-t")
        {
            Description = "Topic to create at start, besides those declared in appsettings.json Topics (repeatable)",
            HelpName = "NAME[:PARTITIONS]",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        topics.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                try
                {
                    TopicDeclaration.Parse(token.Value);
                }
                catch (UsageException e)
                {
                    result.AddError(e.Message);
                }
            }
        });
        var command = new Command("broker", $"""
            Run the embedded development broker (in memory, for development) until Ctrl+C.
            It is {EmbeddedBroker.Disclaimer}.
            It listens on fixed loopback ports (9092, 9093, ...), so `localhost:9092` in appsettings.json
            works unchanged against it or against `docker compose up -d`. Topics declared in
            appsettings.json are created at start; other topics are created on first use with 4 partitions.
            Known gaps: no topic admin API (topics create), no group listing or member details; data is
            in memory only and each partition keeps only its most recent ~5 MiB.

            Examples:
              demo broker
              demo broker --brokers 1 --port 19092 --topic orders:6
            """) { brokers, port, topics };
        command.SetDemoAction(async ctx =>
        {
            int count = ctx.Get(brokers);
            int basePort = ctx.Get(port);
            if (count is < 1 or > 16) throw new UsageException($"--brokers {count} must be between 1 and 16");
            if (basePort < 0 || basePort + count - 1 > 65535) throw new UsageException($"--port {basePort} leaves no room for {count} brokers below 65536");
            var config = ctx.LoadConfiguration();
            var declared = config.Topics.Concat((ctx.Get(topics) ?? []).Select(TopicDeclaration.Parse))
                .GroupBy(t => t.Name).Select(g => g.Last()).ToList();

            EmbeddedBroker broker;
            try
            {
                broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Brokers = count, Port = basePort, Topics = declared });
            }
            catch (PortInUseException e)
            {
                throw new UsageException($"{e.Message}: is a broker already running there (`./demo broker`, `docker compose ps`)? Stop it, or pick other ports with --port.", e);
            }
            await using (broker)
            {
                ctx.Output.Emit(new BrokerStartedEvent(broker.BootstrapServers, count, declared.Select(t => t.ToString()).ToList()));
                try { await Task.Delay(Timeout.Infinite, ctx.Cancellation); }
                catch (OperationCanceledException) { }
                ctx.Info("Stopping the embedded broker (its data is discarded).");
            }
            return ExitCodes.Success;
        });
        return command;
    }
}

/// <summary>The embedded broker is serving; tests read the bootstrap servers from this event.</summary>
public sealed record BrokerStartedEvent(string BootstrapServers, int Brokers, IReadOnlyList<string> Topics) : DemoEvent("broker_started")
{

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "An instance property is a field of the JSON event.")]
    public string Kind => EmbeddedBroker.Disclaimer;

    public override string? ToText() =>
        $"""
        Embedded broker: {Kind}.
          bootstrap servers: {BootstrapServers} ({Brokers} broker{(Brokers == 1 ? "" : "s")})
          topics:            {(Topics.Count == 0 ? "(none declared; auto-created on first use with 4 partitions)" : string.Join(", ", Topics))}
          not supported:     topic admin API (demo topics create), group listing and member details
          data:              in memory only, gone when it stops; each partition keeps only recent data
        Press Ctrl+C to stop.
        """;
}
