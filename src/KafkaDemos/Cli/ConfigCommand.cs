using System.CommandLine;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Cli;

/// <summary>`demo config show`: the effective configuration of every client, each value with its source.</summary>
public static class ConfigCommand
{
    public static Command Create()
    {
        var show = new Command("show", """
            Print the effective configuration for producer, consumer and admin clients, each value
            with its source (default, appsettings.json, a .properties file, env, flag). Secrets are masked.

            Sources, lowest to highest: built-in defaults; appsettings.json (current directory, else the
            worked example next to the executable of a ./demo build, which an installed tool leaves out;
            --config FILE.json replaces it); --config FILE.properties; environment
            (KAFKA_BOOTSTRAP_SERVERS, KAFKA_<PROPERTY>, KAFKA_PRODUCER_<PROPERTY>, KAFKA_CONSUMER_<PROPERTY>,
            KAFKA_ADMIN_<PROPERTY> with dots as underscores; KAFKADEMOS_Demo__Topic for demo settings);
            flags (-b, -X key=value, --topic, --group).

            Examples:
              demo config show
              KAFKA_CONSUMER_SESSION_TIMEOUT_MS=10000 demo config show -X linger.ms=20
              demo config show --config client.properties -o json
            """);
        show.SetDemoAction(ctx =>
        {
            var config = ctx.LoadConfiguration();
            ctx.Info(config.ConfigFile is null
                ? $"Config file: none (no appsettings.json in {Environment.CurrentDirectory} nor next to the executable); built-in defaults, environment and flags."
                : $"Config file: {config.ConfigFile}");
            foreach (var kind in Enum.GetValues<ClientKind>())
            {
                var rows = config.Client(kind).OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => (IReadOnlyList<object?>)[p.Key, SecretMask.Show(p.Key, p.Value.Value), p.Value.Source])
                    .ToList();
                ctx.Output.Emit(new TableEvent($"{kind} client", ["Property", "Value", "Source"], rows));
            }
            var demoRows = config.Demo.Values.OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => (IReadOnlyList<object?>)[p.Key, p.Value.Value, p.Value.Source]).ToList();
            ctx.Output.Emit(new TableEvent("Demo settings", ["Setting", "Value", "Source"], demoRows));
            var topicRows = config.Topics.Select(t => (IReadOnlyList<object?>)[t.Name, t.Partitions, t.ReplicationFactor]).ToList();
            ctx.Output.Emit(new TableEvent("Declared topics", ["Topic", "Partitions", "Replication factor"], topicRows));
            foreach (var note in config.Notes) ctx.Output.Emit(new WarningEvent(note));
            return Task.FromResult(ExitCodes.Success);
        });
        return new Command("config", "Inspect the configuration every command uses") { show };
    }
}
