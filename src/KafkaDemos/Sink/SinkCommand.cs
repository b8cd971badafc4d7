using System.CommandLine;
using KafkaDemos.Admin;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Sink;

/// <summary>`demo sink`: the course's database consumer, from a topic into SQLite or MongoDB.</summary>
public static class SinkCommand
{
    /// <summary>The two commit modes by their --commit name, each in its own file.</summary>
    public static readonly CoursePrograms<SinkMode> Modes = new("--commit",
    [
        new(DbCommitSink.Name, "consume.py, exactly once",
            "(default) the consumer's position (next offset per partition) lives in the database, in the table sink_positions, " +
            "and moves in the same transaction as each row; on assignment the consumer seeks to the stored positions. This is the " +
            "\"store offsets outside Kafka\" pattern of Kafka's consumer documentation. In MongoDB a row's _id is its (topic, partition, " +
            "offset), so a replay overwrites instead of duplicating, and the positions are stored there too.",
            ModeConstraints.ForSinkMode(DbCommitSink.Name), DbCommitSink.Run),
        new(AutoCommitSink.Name, "consume.py as written",
            "enable.auto.commit with auto.commit.interval.ms=1000 and an insert per record. After a crash the rows inserted since " +
            "the last commit are inserted again (duplicates); `demo lab sink` shows it.",
            ModeConstraints.ForSinkMode(AutoCommitSink.Name), AutoCommitSink.Run),
    ]);

    /// <summary>The course's topic and group_id ("group_id 'counters'").</summary>
    public const string DefaultTopic = "testnum";
    public const string DefaultGroup = "counters";

    public static Command Create()
    {
        var to = new Option<string>("--to")
        {
            Description = $"Database: {SinkAddress.Syntax} (default {SinkAddress.Default}; a MongoDB address without a database uses {SinkAddress.DefaultMongoDatabase})",
            HelpName = "TARGET",
            DefaultValueFactory = _ => SinkAddress.Default,
        };
        var commit = new Option<string>("--commit", "-c")
        {
            Description = "db (default): positions stored with the rows; auto: the course's code as written (see above)",
            HelpName = "db|auto",
            DefaultValueFactory = _ => DbCommitSink.Name,
        };
        commit.AcceptOnlyFromAmong([.. Modes.Keys]);
        var topic = new Option<string>("--topic", "-t") { Description = $"Topic to read (default {DefaultTopic}, the course's)", HelpName = "NAME", DefaultValueFactory = _ => DefaultTopic }.AcceptsTopicNames();
        var group = new Option<string>("--group", "-g") { Description = $"Consumer group (group.id; default {DefaultGroup}, the course's)", HelpName = "GROUP", DefaultValueFactory = _ => DefaultGroup };
        var table = new Option<string?>("--table") { Description = "Table (SQLite) or collection (MongoDB) to write (default: the topic's name)", HelpName = "NAME" };
        var offsetReset = new Option<string>("--offset-reset") { Description = "Where a partition with no stored position starts (auto.offset.reset; the course: earliest)", HelpName = "earliest|latest" };
        offsetReset.AcceptOnlyFromAmong("earliest", "latest");
        var exitAtEnd = new Option<bool>("--exit-at-end") { Description = "Stop once every assigned partition has reached its end" };

        var command = new Command("sink", $$"""
            The course's database consumer: a topic into SQLite or MongoDB, one row per record.
            The project at the end of the course's first document: read a topic in a consumer group and write
            every record into a database, one row with its partition, offset, key and JSON value, printing
            "{"num": 7} added to testnum" for each. A table named after the topic in SQLite (nothing to
            install), or a collection in MongoDB, the course's database.

            Commit modes (--commit):
            {{Modes.HelpText()}}

            A record that is not JSON is skipped: shown, counted, and (db) its position still moves. A table that
            exists with other columns stops the sink (exit 2) and says what differs. Ctrl+C stops: Close() leaves
            the group, bounded. The summary gives rows written, skipped, and the positions stored (db) or the
            offsets committed (auto). Count what arrived with:
              sqlite3 numbers.db "SELECT count(*), count(DISTINCT json_extract(value,'$.num')) FROM testnum"

            {{ExitCodes.HelpText}}
            Exit 3 here also: MongoDB did not answer (within --preflight-timeout). Exit 1: a write failed.

            Examples:
              demo sink --topic testnum --group counters
              demo sink --commit auto --to sqlite:course.db
              demo sink --to mongodb://localhost:27017/testnum
              demo sink --topic orders --table orders_copy --exit-at-end -o json
            """)
        {
            to, commit, topic, group, table, offsetReset, exitAtEnd,
        };

        command.SetDemoAction(async ctx =>
        {
            // Bad input first, before any database or broker is touched: exit 2 naming the value.
            var address = SinkAddress.Parse(ctx.Get(to));
            string name = ctx.Get(topic)!;
            if (string.IsNullOrWhiteSpace(name)) throw new UsageException($"--topic '{name}' is empty: name a topic");
            string groupId = ctx.Get(group)!;
            if (string.IsNullOrWhiteSpace(groupId)) throw new UsageException($"--group '{groupId}' is empty: name a consumer group");
            string mode = ctx.Get(commit)!;

            var config = ctx.LoadConfiguration(Modes.Entry(mode).Constraints,
                new FlagSetting(ConfigSections.Consumer, "group.id", groupId, "--group"),
                ctx.Flag(offsetReset, ConfigSections.Consumer, "auto.offset.reset"));
            var consumerConfig = config.ConsumerConfig();

            var metadata = BrokerPreflight.Check(config);
            BrokerPreflight.RequireTopics(metadata, [name], ctx.Get(exitAtEnd), consumerConfig.BootstrapServers, ctx.Info);
            using var target = address.Open(ctx.Get(table) ?? name, config.Demo.PreflightTimeout);
            ctx.Info($"Writing {name} into {target.Description} in group '{groupId}' with --commit {mode} " +
                     $"(auto.offset.reset={consumerConfig.AutoOffsetReset?.ToString().ToLowerInvariant() ?? "latest"}); Ctrl+C stops.");

            var options = new SinkOptions { Topic = name, ExitAtEnd = ctx.Get(exitAtEnd) };
            var outcome = await Task.Factory.StartNew(() => Modes[mode](consumerConfig, target, options, ctx.Output, ctx.Cancellation),
                CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            ctx.Output.Emit(outcome.Summary);
            return outcome.Succeeded ? ExitCodes.Success : ExitCodes.Failed;
        });
        return command;
    }
}
