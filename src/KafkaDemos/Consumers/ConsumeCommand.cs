using System.CommandLine;
using KafkaDemos.Admin;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>`demo consume --commit auto|sync|async|specified|rebalance`: the course's consumers.</summary>
public static class ConsumeCommand
{
    /// <summary>The five commit strategies by their --commit name, each in its own file.</summary>
    public static readonly CoursePrograms<CommitStrategy> Strategies = new("--commit",
    [
        new(AutoCommitConsumer.Name, "Consumer_02_AutoCommit",
            "enable.auto.commit=true, auto.commit.interval.ms=5000; the background commits are printed by the offsets-committed handler (on_commit).",
            ModeConstraints.ForCommitStrategy(AutoCommitConsumer.Name), AutoCommitConsumer.RunAsync),
        new(SyncCommitConsumer.Name, "Consumer_03_CommitSync",
            "(default) auto-commit off; after each batch (--commit-every records, or when no more are ready) Commit() and wait for the answer.",
            ModeConstraints.ForCommitStrategy(SyncCommitConsumer.Name), SyncCommitConsumer.RunAsync),
        new(AsyncCommitConsumer.Name, "Consumer_04_CommitAsync + Consumer_05_CommitSyncAsync",
            "Confluent.Kafka for .NET has no asynchronous Commit(); its equivalent is enable.auto.commit=true with enable.auto.offset.store=false: " +
            "StoreOffset() after each processed record, and librdkafka commits the stored offsets in the background, reported by the " +
            "offsets-committed handler. A synchronous commit runs on revoke and on shutdown.",
            ModeConstraints.ForCommitStrategy(AsyncCommitConsumer.Name), AsyncCommitConsumer.RunAsync),
        new(SpecifiedOffsetConsumer.Name, "Consumer_06_CommitSpecified",
            "every --commit-every records, Commit() an explicit offset per partition (last processed + 1), mid-batch.",
            ModeConstraints.ForCommitStrategy(SpecifiedOffsetConsumer.Name), SpecifiedOffsetConsumer.RunAsync),
        new(RebalanceCommitConsumer.Name, "Consumer_07 (rebalance callback)",
            "commit the processed offsets in the partitions-revoked handler, before ownership moves; nothing for lost partitions.",
            ModeConstraints.ForCommitStrategy(RebalanceCommitConsumer.Name), RebalanceCommitConsumer.RunAsync),
    ]);

    public static Command Create()
    {
        var commit = new Option<string>("--commit", "-c")
        {
            Description = "Commit strategy: auto, sync, async, specified or rebalance (see above)",
            DefaultValueFactory = _ => SyncCommitConsumer.Name,
            HelpName = "STRATEGY",
        };
        commit.AcceptOnlyFromAmong([.. Strategies.Keys]);
        var topics = new Option<string[]>("--topic", "-t")
        {
            Description = "Topic to subscribe to, repeatable; one starting with '^' is a regular expression: every topic it matches (default: Demo.Topic of the configuration)",
            HelpName = "NAME|^PATTERN",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        }.AcceptsTopicNamesOrPatterns();
        var group = new Option<string>("--group", "-g") { Description = "Consumer group (group.id; default: Consumer group.id of the configuration, \"tdea\")", HelpName = "GROUP" };
        var offsetReset = new Option<string>("--offset-reset") { Description = "Where a partition without a committed offset starts (auto.offset.reset)", HelpName = "earliest|latest" };
        offsetReset.AcceptOnlyFromAmong("earliest", "latest");
        var fromBeginning = new Option<bool>("--from-beginning") { Description = "Same as --offset-reset earliest (applies only where the group has no committed offset)" };
        var maxMessages = new Option<long?>("--max-messages", "-n") { Description = "Stop after N records, then commit and close", HelpName = "N" };
        var exitAtEnd = new Option<bool>("--exit-at-end") { Description = "Stop once every assigned partition has reached its end" };
        var json = new Option<bool>("--json") { Description = "Values are JSON: print them compact; a value that is not JSON is reported as skipped and committed past" };
        var processDelay = DurationOption.Create("--process-delay", "Simulated work per record, e.g. 500ms or 2s, so a rebalance can arrive mid-batch");
        var assignment = new Option<string>("--assignment-strategy") { Description = "Partition assignment strategy (partition.assignment.strategy)", HelpName = "range|roundrobin|cooperative-sticky" };
        assignment.AcceptOnlyFromAmong("range", "roundrobin", "cooperative-sticky");
        var groupProtocol = new Option<string>("--group-protocol")
        {
            Description = "Rebalance protocol (group.protocol): classic (the course's, default) or consumer (KIP-848: the broker assigns, incrementally)",
            HelpName = "classic|consumer",
        };
        groupProtocol.AcceptOnlyFromAmong(GroupProtocolSettings.Classic, GroupProtocolSettings.Consumer);
        var statusTopic = new Option<string>("--status-topic")
        {
            Description = $"Topic on which this member reports its assignment for `demo groups watch` (default {MemberStatusReport.DefaultTopic}); naming one turns the reports on",
            DefaultValueFactory = _ => MemberStatusReport.DefaultTopic,
            HelpName = "NAME",
        }.AcceptsTopicNames();
        var reportStatus = new Option<bool>("--report-status") { Description = "Report this member's assignment on the status topic even where the broker describes groups" };
        var noStatus = new Option<bool>("--no-status-report") { Description = "Do not report this member's assignment on the status topic, not even where the broker cannot describe groups" };
        var commitEvery = new Option<int>("--commit-every")
        {
            Description = "Records per commit for sync and specified",
            DefaultValueFactory = _ => ConsumeOptions.DefaultCommitEvery,
            HelpName = "N",
        };
        var partition = new Option<int[]>("--partition", "-p")
        {
            Description = "Read this partition without a group (Assign, nothing committed), repeatable; --offset alone reads every partition",
            HelpName = "P",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var offset = new Option<string>("--offset")
        {
            Description = "Where --partition starts: N, beginning, end (default), -N (the last N records) or @TIME (epoch ms or ISO-8601, via offsets-for-times)",
            HelpName = "N|beginning|end|-N|@TIME",
        };
        var format = new Option<string>("--format", "-f")
        {
            Description = $"Each record's text line, kcat's tokens: {RecordFormat.Tokens} (default: the course's line)",
            HelpName = "FORMAT",
        };

        var command = new Command("consume", $$"""
            Consume in a consumer group and commit offsets one of the course's five ways. Records print as
            the course does (topic-partition-offset : (key , value)), with assignment changes
            ("Setting newly assigned partitions: [...]", "Revoking previously assigned partitions: [...]")
            and every commit ("# Committed offsets for: t-0 {offset=53}", "# Failed to commit offsets: ...").

            Commit strategies (--commit):
            {{Strategies.HelpText()}}

            Ctrl+C stops: commit per strategy, then Close() so the group rebalances at once (bounded: it
            never hangs on an unreachable coordinator). A topic that does not exist yet is waited for; with
            --exit-at-end it is an error (exit 2). A commit refused because the group is rebalancing is
            explained and counted but does not fail the run: the next owner resumes from the last committed
            offset and reads those records again. Every record is printed. Run it in several terminals
            with the same --group to watch partitions move between them, and `demo groups watch GROUP` in
            another to see the whole group at once.

            Status reports (for `demo groups watch`): watch asks the broker for the group's members
            (DescribeGroups). The embedded broker cannot tell it, so there each member reports its assignment
            through a second client on a small status topic ({{MemberStatusReport.DefaultTopic}}), which
            watch reads instead. Status reports are on:
              - where the broker cannot describe groups (the embedded broker): consume asks it at start,
                bounded by {{StatusReportChoice.ProbeBound.TotalSeconds:0}} s, and a broker that does not answer in time counts as cannot;
              - with --report-status, or --status-topic NAME (that topic), on any broker.
            They are off on a broker that describes groups (Apache Kafka), and with --no-status-report.
            The start says which, and why ("Status reports: on ..." / "Status reports: off ...").

            Looking inside a topic without a group (kcat -C -p P -o O -e; the console consumer's --partition --offset):
            --partition P (repeatable) and --offset O read with Assign(): no group is joined, nothing is committed,
            no group's offsets move. O is an offset, beginning, end (the default), -N (the last N records) or
            @TIME (epoch ms or ISO-8601; kcat's s@TIME too), the first record at or after it (offsets-for-times).
            --offset alone reads every partition. One topic by name; the group flags (--commit, --group,
            --offset-reset, --from-beginning, ...) are refused with it (exit 2), as is a partition the topic lacks,
            an offset past the end or before the oldest record kept.

            Each record's line (--format, text output): kcat's tokens {{RecordFormat.Tokens}}.
            A null key or value prints null, and its length (%K, %S) is -1. -o json always has every field
            (key, value, headers, timestamp, timestamp_type, timestamp_ms); a null key or value is JSON null.

            A --topic starting with '^' is a regular expression (librdkafka's pattern subscription): the group
            reads every topic it matches, and the start names them.

            Group protocol (--group-protocol):
              classic    the course's: members join, a leader assigns with partition.assignment.strategy.
              consumer   KIP-848 (Apache Kafka 4.0+, and the embedded broker): the broker assigns (its
                         group.remote.assignor, uniform by default) and moves partitions one at a time
                         while the others keep consuming. partition.assignment.strategy, session.timeout.ms
                         and heartbeat.interval.ms are the broker's there: given as a flag or variable they
                         are refused (exit 2); from the defaults or appsettings.json they are left out.

            {{ExitCodes.HelpText}}
            Exit 1 here: a commit failed for another reason, or the stop did not finish within its bound.

            Examples:
              demo consume --commit sync --group tdea
              demo consume --commit auto --topic ak03.test --from-beginning
              demo consume --commit rebalance --process-delay 1s --assignment-strategy cooperative-sticky
              demo consume --commit specified --commit-every 5 --max-messages 20
              demo consume --json --topic orders --exit-at-end -o json
              demo consume --group-protocol consumer --group tdea
              demo consume --topic ak03.fourpartition --partition 2 --offset 17 --exit-at-end --format '%p %o %k %s\n'
              demo consume --topic '^ak03\..*' --group patterns --from-beginning
            """)
        {
            commit, topics, group, offsetReset, fromBeginning, maxMessages, exitAtEnd, json, processDelay, assignment, commitEvery,
            groupProtocol, statusTopic, reportStatus, noStatus, partition, offset, format,
        };
        var readFlags = new PartitionReadCommand.Flags(partition, offset,
            [commit, group, offsetReset, fromBeginning, commitEvery, assignment, groupProtocol, statusTopic, reportStatus, noStatus]);

        command.SetDemoAction(async ctx =>
        {
            // Validate the flags before touching the broker: bad input is exit 2 with the value named.
            if (ctx.Parse.GetResult(group) is { Implicit: false } && string.IsNullOrWhiteSpace(ctx.Get(group)))
                throw new UsageException($"--group '{ctx.Get(group)}' is empty: name a consumer group");
            int every = ctx.Get(commitEvery);
            ConsumeOptions.CheckRanges(ctx.Get(maxMessages), every);
            if (ctx.Get(fromBeginning) && ctx.Get(offsetReset) == "latest")
                throw new UsageException("--from-beginning contradicts --offset-reset latest: give one of them");
            var delay = ctx.Get(processDelay);
            string[] requested = ctx.Get(topics) ?? [];
            var lineFormat = ctx.Get(format) is { } shape ? RecordFormat.Parse(shape) : null;
            if (lineFormat is not null && ctx.Format == OutputFormat.Json)
                throw new UsageException($"--format '{lineFormat.Text}' shapes text lines; -o json already prints every field of each record: give one of them");
            if (PartitionReadCommand.Requested(ctx, readFlags))
            {
                return await PartitionReadCommand.RunAsync(ctx, readFlags, new ConsumeOptions
                {
                    Topics = requested.Distinct().ToList(),
                    MaxMessages = ctx.Get(maxMessages),
                    ExitAtEnd = ctx.Get(exitAtEnd),
                    Json = ctx.Get(json),
                    ProcessDelay = delay,
                    Format = lineFormat,
                });
            }

            var config = ctx.LoadConfiguration(Strategies.Entry(ctx.Get(commit)!).Constraints,
                ctx.Flag(group, ConfigSections.Consumer, "group.id"),
                ctx.Flag(offsetReset, ConfigSections.Consumer, "auto.offset.reset"),
                ctx.Get(fromBeginning) ? new FlagSetting(ConfigSections.Consumer, "auto.offset.reset", "earliest", "--from-beginning") : null,
                ctx.Flag(assignment, ConfigSections.Consumer, "partition.assignment.strategy"),
                ctx.Flag(groupProtocol, ConfigSections.Consumer, "group.protocol"));
            var protocolNotes = new List<string>();
            var consumerConfig = GroupProtocolSettings.Apply(config, config.ConsumerConfig(), protocolNotes);
            // Several terminals run `demo consume` side by side: with the shared default client id every
            // member would look alike in `groups watch` and the broker's logs, so each gets its process id.
            if (consumerConfig.ClientId == BuiltInDefaults.ClientId) consumerConfig.ClientId = $"{BuiltInDefaults.ClientId}-{Environment.ProcessId}";
            protocolNotes.ForEach(ctx.Info);
            if (string.IsNullOrWhiteSpace(ctx.Get(statusTopic))) throw new UsageException($"--status-topic '{ctx.Get(statusTopic)}' is empty: name a topic, or give --no-status-report");
            if (ctx.Get(reportStatus) && ctx.Get(noStatus)) throw new UsageException("--report-status contradicts --no-status-report: give one of them");
            // --no-status-report wins over a named --status-topic, so a script can add it to a fixed command line.
            var statusRequest = ctx.Get(noStatus) ? StatusReportRequest.Off
                : ctx.Get(reportStatus) || ctx.Parse.GetResult(statusTopic) is { Implicit: false } ? StatusReportRequest.On
                : StatusReportRequest.Auto;
            if (string.IsNullOrWhiteSpace(consumerConfig.GroupId))
                throw new UsageException($"group.id '{consumerConfig.GroupId}' is empty (from {config.Client(ClientKind.Consumer)["group.id"].Source}): name a consumer group with --group");
            var metadata = BrokerPreflight.Check(config);
            var status = await StatusReportChoice.DecideAsync(statusRequest, ctx.Get(statusTopic)!, config.AdminConfig(), consumerConfig.GroupId, ctx.Cancellation);

            string strategy = ctx.Get(commit)!;
            List<string> subscribed = requested.Length > 0 ? requested.Distinct().ToList() : [config.Demo.Topic];
            BrokerPreflight.RequireTopics(metadata, subscribed.Where(t => !TopicPattern.Is(t)), ctx.Get(exitAtEnd), consumerConfig.BootstrapServers, ctx.Info);
            TopicPattern.Announce(metadata, subscribed.Where(TopicPattern.Is), ctx.Get(exitAtEnd), ctx.Info);
            var options = new ConsumeOptions
            {
                Topics = subscribed,
                MaxMessages = ctx.Get(maxMessages),
                ExitAtEnd = ctx.Get(exitAtEnd),
                Json = ctx.Get(json),
                ProcessDelay = delay,
                CommitEvery = every,
                StatusTopic = status.Topic,
                Format = lineFormat,
            };
            ctx.Info($"Consuming {string.Join(", ", options.Topics)} in group '{consumerConfig.GroupId}' as client '{consumerConfig.ClientId}' with --commit {strategy} " +
                     $"(auto.offset.reset={consumerConfig.AutoOffsetReset?.ToString().ToLowerInvariant() ?? "latest"}, " +
                     $"group.protocol={GroupProtocolSettings.Of(consumerConfig)}); Ctrl+C stops.");
            ctx.Info(status.Reason);

            var outcome = await Strategies[strategy](consumerConfig, options, ctx.Output, ctx.Cancellation);
            ctx.Output.Emit(outcome.ToSummary());
            return outcome.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }
}
