using System.CommandLine;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaDemos.Cli;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>`demo groups delete GROUP`: kafka-consumer-groups --delete, refused while the group has members.</summary>
public static class GroupDeleteCommand
{

    public static Command Create()
    {
        var group = new Argument<string>("GROUP") { Description = "Consumer group id" };
        var command = new Command("delete", """
            Delete a consumer group and its committed offsets (DeleteGroups), like kafka-consumer-groups
            --delete --group GROUP. Refused while the group has active members: stop its consumers first.
            The embedded broker has no DeleteGroups: a line says so and what to do instead.

            Examples:
              demo groups delete tdea
            """) { group };
        command.SetDemoAction(async ctx =>
        {
            string id = GroupsCommand.RequireGroup(ctx.Parse.GetValue(group));
            var config = ctx.LoadConfiguration();
            BrokerPreflight.Check(config);

            // DescribeGroups first: it tells whether the group has members, and a broker without it has no
            // DeleteGroups either (a newer API), where the client, given an unsupported DeleteGroups,
            // aborts the process while it shuts down (librdkafka 2.16 against the embedded broker).
            var described = await GroupOffsets.DescribeAsync(config.AdminConfig(), id, ctx.Cancellation);
            if (!described.Supported) throw Unsupported(config.BootstrapServers, id, described.Unavailable);
            if (described.Description is { Members.Count: > 0 } d)
                throw new DemoException($"Group '{id}' has {d.Members.Count} active member(s) (state {d.State}): stop its consumers first; nothing was deleted.", ExitCodes.Failed);

            using var admin = new AdminClientBuilder(config.AdminConfig()).SetLogHandler(ClientLog.Handler<IAdminClient>(ctx.Output)).Build();
            try
            {
                await admin.DeleteGroupsAsync([id], new DeleteGroupsOptions { RequestTimeout = AdminErrors.RequestTimeout })
                    .WaitAsync(AdminErrors.CallTimeout, ctx.Cancellation);
            }
            catch (DeleteGroupsException e) when (e.Results.Single().Error.Code is ErrorCode.GroupIdNotFound)
            {
                throw new UsageException($"Group '{id}' does not exist at {config.BootstrapServers} (a group exists once it commits; see `demo groups list`)", e);
            }
            catch (DeleteGroupsException e) when (e.Results.Single().Error.Code is ErrorCode.NonEmptyGroup)
            {
                throw new DemoException($"Group '{id}' has active members (the broker refused: {e.Results.Single().Error.Reason}): stop its consumers first; nothing was deleted.", ExitCodes.Failed, e);
            }
            catch (Exception e) when (AdminErrors.IsUnsupported(e))
            {
                throw Unsupported(config.BootstrapServers, id, e.Message);
            }
            catch (DeleteGroupsException e)
            {
                throw AdminErrors.Refused($"delete group '{id}'", e.Results.Single().Error, e);
            }
            catch (TimeoutException e)
            {
                throw AdminErrors.NoAnswer($"Deleting group '{id}'", e);
            }
            ctx.Output.Emit(new InfoEvent($"Deleted group {id} and its committed offsets."));
            ctx.Output.Emit(new SummaryEvent("groups delete", [new("group", id), new("deleted", true)]));
            return ExitCodes.Success;
        });
        return command;
    }

    private static UsageException Unsupported(string bootstrap, string id, string? why) => new(
        $"The broker at {bootstrap} does not support deleting groups (DeleteGroups; {why}). The embedded broker has none: " +
        $"start the group over with `demo groups reset-offsets {id} --all-topics --to-earliest --execute`, use a new group id, " +
        "or restart `demo broker` (its groups live in memory).");
}
