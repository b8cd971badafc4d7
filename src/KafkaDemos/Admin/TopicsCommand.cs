using System.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaDemos.Cli;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>`demo topics list|describe|create|delete`: the course's kafka-topics commands.</summary>
public static class TopicsCommand
{

    public static Command Create() => new("topics", "List, describe, create and delete topics (the course's kafka-topics commands)")
    {
        List(), Describe(), CreateTopic(), TopicDeleteCommand.Create(),
    };

    private static Command List()
    {
        var all = new Option<bool>("--all") { Description = "Include internal topics (those starting with __)" };
        var command = new Command("list", """
            List topics with their partition counts.

            Examples:
              demo topics list
              demo topics list -o json
            """) { all };
        command.SetDemoAction(ctx =>
        {
            var config = ctx.LoadConfiguration();
            var metadata = BrokerPreflight.Check(config);
            var rows = metadata.Topics
                .Where(t => ctx.Get(all) || !t.Topic.StartsWith("__", StringComparison.Ordinal))
                .OrderBy(t => t.Topic, StringComparer.Ordinal)
                .Select(t => (IReadOnlyList<object?>)[t.Topic, t.Partitions.Count, t.Error.IsError ? t.Error.Reason : ""])
                .ToList();
            ctx.Output.Emit(new TableEvent($"Topics at {config.BootstrapServers}", ["Topic", "Partitions", "Error"], rows));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command Describe()
    {
        var name = new Argument<string>("NAME") { Description = "Topic name" }.AcceptsTopicName();
        var command = new Command("describe", """
            Describe a topic: per partition its leader, replicas, in-sync replicas and the low and
            high watermarks (first and next offset), with the message count they imply.

            Examples:
              demo topics describe ak03.fourpartition
            """) { name };
        command.SetDemoAction(ctx =>
        {
            var config = ctx.LoadConfiguration();
            BrokerPreflight.Check(config);
            string topic = ctx.Parse.GetValue(name)!;
            using var admin = new AdminClientBuilder(config.AdminConfig()).SetLogHandler(ClientLog.Handler<IAdminClient>(ctx.Output)).Build();
            // Metadata for all topics: asking for one by name would auto-create it on brokers that allow that.
            var metadata = admin.GetMetadata(AdminErrors.RequestTimeout).Topics.FirstOrDefault(t => t.Topic == topic);
            if (metadata is null || metadata.Error.Code == ErrorCode.UnknownTopicOrPart || metadata.Partitions.Count == 0)
                throw new UsageException($"Topic '{topic}' does not exist at {config.BootstrapServers} (see `demo topics list`)");
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(config.ConsumerConfig())
                .SetLogHandler(ClientLog.Handler<IConsumer<Ignore, Ignore>>(ctx.Output)).Build();
            long total = 0;
            var rows = new List<IReadOnlyList<object?>>();
            foreach (var p in metadata.Partitions.OrderBy(p => p.PartitionId))
            {
                var marks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p.PartitionId), AdminErrors.RequestTimeout);
                total += marks.High - marks.Low;
                rows.Add([p.PartitionId, p.Leader, p.Replicas, p.InSyncReplicas, marks.Low.Value, marks.High.Value, marks.High - marks.Low]);
            }
            ctx.Output.Emit(new TableEvent($"{topic}: {metadata.Partitions.Count} partitions, {total} messages",
                ["Partition", "Leader", "Replicas", "ISR", "Low", "High", "Messages"], rows));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command CreateTopic()
    {
        var name = new Argument<string>("NAME") { Description = "Topic name" }.AcceptsTopicName();
        var partitions = new Option<int>("--partitions", "-p") { Description = "Number of partitions", DefaultValueFactory = _ => 4, HelpName = "N" };
        var replication = new Option<short>("--replication-factor", "-r") { Description = "Copies of each partition (at most the number of brokers)", DefaultValueFactory = _ => 1, HelpName = "R" };
        var command = new Command("create", """
            Create a topic through the Admin API, like the course's
            kafka-topics --create --replication-factor 1 --partitions 4 --topic ak03.fourpartition.
            The embedded broker has no CreateTopics API: declare topics in appsettings.json Topics or
            with `demo broker --topic NAME:PARTITIONS` instead.

            Examples:
              demo topics create ak03.fourpartition --partitions 4 --replication-factor 1
            """) { name, partitions, replication };
        command.SetDemoAction(async ctx =>
        {
            string topic = ctx.Parse.GetValue(name)!;
            int count = ctx.Get(partitions);
            short factor = ctx.Get(replication);
            if (count < 1) throw new UsageException($"--partitions {count} must be at least 1");
            if (factor < 1) throw new UsageException($"--replication-factor {factor} must be at least 1");
            var config = ctx.LoadConfiguration();
            BrokerPreflight.Check(config);
            using var admin = new AdminClientBuilder(config.AdminConfig()).SetLogHandler(ClientLog.Handler<IAdminClient>(ctx.Output)).Build();
            var spec = new TopicSpecification { Name = topic, NumPartitions = count, ReplicationFactor = factor };
            var options = new CreateTopicsOptions { RequestTimeout = AdminErrors.RequestTimeout, OperationTimeout = AdminErrors.RequestTimeout };
            try
            {
                await admin.CreateTopicsAsync([spec], options).WaitAsync(AdminErrors.CallTimeout, ctx.Cancellation);
            }
            catch (CreateTopicsException e) when (e.Results.Single().Error.Code == ErrorCode.TopicAlreadyExists)
            {
                throw new UsageException($"Topic '{topic}' already exists (see `demo topics describe {topic}`)", e);
            }
            catch (Exception e) when (AdminErrors.IsUnsupported(e))
            {
                throw new UsageException(
                    $"The broker at {config.BootstrapServers} does not support creating topics (CreateTopics). " +
                    $"The embedded broker has no topic admin API: declare the topic instead, in appsettings.json Topics " +
                    $"or with `demo broker --topic {topic}:{count}` (restart the broker), or let it be auto-created with 4 partitions on first use.", e);
            }
            catch (CreateTopicsException e)
            {
                throw AdminErrors.Refused($"create topic '{topic}'", e.Results.Single().Error, e);
            }
            catch (TimeoutException e)
            {
                throw AdminErrors.NoAnswer($"Creating topic '{topic}'", e);
            }
            ctx.Output.Emit(new InfoEvent($"Created topic {topic} with {count} partitions, replication factor {factor}."));
            return ExitCodes.Success;
        });
        return command;
    }
}
