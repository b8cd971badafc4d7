using System.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaDemos.Cli;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>`demo topics delete NAME`: kafka-topics --delete, after a prompt or --yes.</summary>
public static class TopicDeleteCommand
{

    /// <summary>How long the prompt waits for an answer: a forgotten terminal does not hold the command for ever.</summary>
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromMinutes(2);

    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "Topic name" }.AcceptsTopicName();
        var yes = new Option<bool>("--yes", "-y") { Description = "Delete without asking (needed when standard input is not a terminal)" };
        var command = new Command("delete", """
            Delete a topic and every record in it through the Admin API (DeleteTopics), like the course's
            kafka-topics --delete --topic NAME. Asks first, unless --yes is given; without a terminal to
            ask on (a script, a pipe) it refuses unless --yes is given (exit 2). Any answer but y or yes
            deletes nothing (exit 1).
            The embedded broker has no DeleteTopics: a line says so and what to do instead.

            Examples:
              demo topics delete ak03.test
              demo topics delete ak03.test --yes
            """) { name, yes };
        command.SetDemoAction(async ctx =>
        {
            string topic = ctx.Parse.GetValue(name)!;
            var config = ctx.LoadConfiguration();
            var metadata = BrokerPreflight.Check(config).Topics.FirstOrDefault(t => t.Topic == topic);
            if (metadata is null || metadata.Error.Code == ErrorCode.UnknownTopicOrPart || metadata.Partitions.Count == 0)
                throw new UsageException($"Topic '{topic}' does not exist at {config.BootstrapServers} (see `demo topics list`)");
            if (!ctx.Get(yes) && !await ConfirmAsync(topic, metadata.Partitions.Count, config.BootstrapServers, ctx.Cancellation))
            {
                ctx.Info($"Not deleted: topic {topic} is unchanged.");
                return ExitCodes.Failed;
            }

            using var admin = new AdminClientBuilder(config.AdminConfig()).SetLogHandler(ClientLog.Handler<IAdminClient>(ctx.Output)).Build();
            try
            {
                await admin.DeleteTopicsAsync([topic], new DeleteTopicsOptions { RequestTimeout = AdminErrors.RequestTimeout, OperationTimeout = AdminErrors.RequestTimeout })
                    .WaitAsync(AdminErrors.CallTimeout, ctx.Cancellation);
            }
            catch (Exception e) when (AdminErrors.IsUnsupported(e))
            {
                throw new UsageException(
                    $"The broker at {config.BootstrapServers} does not support deleting topics (DeleteTopics). The embedded broker has no topic admin API: " +
                    "its topics live in memory, so restarting `demo broker` starts them empty; or send to a new topic name.", e);
            }
            catch (DeleteTopicsException e)
            {
                throw AdminErrors.Refused($"delete topic '{topic}'", e.Results.Single().Error, e);
            }
            catch (TimeoutException e)
            {
                throw AdminErrors.NoAnswer($"Deleting topic '{topic}'", e);
            }
            ctx.Output.Emit(new InfoEvent($"Deleted topic {topic} ({metadata.Partitions.Count} partitions)."));
            ctx.Output.Emit(new SummaryEvent("topics delete", [new("topic", topic), new("partitions", metadata.Partitions.Count), new("deleted", true)]));
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Asks on the terminal; only "y" or "yes" deletes. Without a terminal there is nobody to ask: a usage error that names --yes.</summary>
    private static async Task<bool> ConfirmAsync(string topic, int partitions, string bootstrap, CancellationToken cancel)
    {
        if (Console.IsInputRedirected)
            throw new UsageException($"Deleting topic '{topic}' needs a yes, and standard input is not a terminal to ask on: pass --yes to delete it; nothing was deleted");
        TextOutput.Notice($"Delete topic '{topic}' ({partitions} partitions) and every record in it at {bootstrap}? This cannot be undone. [y/N]");
        try
        {
            string? answer = await Task.Run(Console.ReadLine, cancel).WaitAsync(AnswerTimeout, cancel);
            return answer?.Trim().ToUpperInvariant() is "Y" or "YES";
        }
        catch (TimeoutException)
        {
            TextOutput.Notice($"No answer within {AnswerTimeout.TotalMinutes:0} minutes.");
            return false;
        }
    }
}
