using System.CommandLine;
using KafkaDemos.Cli;
using KafkaDemos.Core;
using Spectre.Console;

namespace KafkaDemos.Admin;

/// <summary>
/// `demo groups watch GROUP`: the course's pictures of partitions moving between consumers, live.
/// About once a second it shows who owns each partition, how far the group has committed and how far
/// behind it is, and the rebalances it saw. It never joins the group it watches.
/// </summary>
public static class GroupWatchCommand
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var group = new Argument<string>("GROUP") { Description = "Consumer group id" };
        var topics = new Option<string[]>("--topic", "-t")
        {
            Description = "Also show every partition of this topic, owned or not (repeatable; default: the topics the members subscribe to)",
            HelpName = "NAME",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        }.AcceptsTopicNames();
        var source = new Option<string>("--source")
        {
            Description = "Where the owners come from: auto (DescribeGroups where the broker has it, else member reports), group-api, member-reports",
            DefaultValueFactory = _ => "auto",
            HelpName = "auto|group-api|member-reports",
        };
        source.AcceptOnlyFromAmong("auto", "group-api", "member-reports");
        var statusTopic = new Option<string>("--status-topic")
        {
            Description = $"Topic the members report on (demo consume --status-topic; default {MemberStatusReport.DefaultTopic})",
            DefaultValueFactory = _ => MemberStatusReport.DefaultTopic,
            HelpName = "NAME",
        }.AcceptsTopicNames();
        var refreshes = new Option<int?>("--refreshes", "-n") { Description = "Stop after N refreshes (default: until Ctrl+C)", HelpName = "N" };

        var command = new Command("watch", $"""
            Watch a consumer group live, refreshed about once a second: per partition its owner (member id
            and client id), committed offset, log end, lag and records per second since the last refresh;
            the group's state, protocol, assignor and generation; and the last rebalances: when, how long
            until every partition had an owner again, which partitions moved from whom to whom.

            Where the owners come from: on Apache Kafka the group API (DescribeConsumerGroups, committed
            offsets from ListConsumerGroupOffsets). The embedded broker has no DescribeGroups: there every
            `demo consume` member (it asks the broker the same question when it starts) reports what the
            group told it (member id, client id, generation, its partitions and how far it has read them)
            on the topic {MemberStatusReport.DefaultTopic}, from its assigned, revoked and lost handlers
            and once a second; watch reads that topic by assignment.
            A member silent for {MemberReportSource.StaleAfter.TotalSeconds:0} s is shown stale and owns nothing. Consumers that
            are not `demo consume` (or run with --no-status-report) are invisible there. On a broker
            that describes groups the members report only when asked (demo consume --report-status), and
            --source member-reports shows only those.

            Watch never joins the group: it reads the group's committed offsets with the group's id but never
            subscribes. Ctrl+C leaves at once. With -o json it writes one "group_state" event per refresh
            and one "rebalance" event per completed rebalance.

            Examples:
              demo groups watch tdea
              demo groups watch tdea --topic ak03.fourpartition
              demo groups watch tdea -o json | jq -c 'select(.event == "rebalance")'
              demo groups watch tdea --refreshes 5 > snapshot.txt

            Exit codes: 0 stopped (Ctrl+C or --refreshes), 1 the group could not be read, 2 bad flag or
            configuration, 3 no broker answered.
            """)
        {
            group, topics, source, statusTopic, refreshes,
        };

        command.SetDemoAction(async ctx =>
        {
            string id = GroupsCommand.RequireGroup(ctx.Parse.GetValue(group));
            string[] named = ctx.Get(topics) ?? [];
            if (named.Any(string.IsNullOrWhiteSpace)) throw new UsageException("--topic '' is empty: name a topic");
            if (ctx.Get(refreshes) is int n && n < 1) throw new UsageException($"--refreshes {n} must be at least 1");
            string status = ctx.Get(statusTopic) ?? "";
            if (string.IsNullOrWhiteSpace(status)) throw new UsageException($"--status-topic '{status}' is empty: name a topic");
            var config = ctx.LoadConfiguration();
            BrokerPreflight.Check(config);

            using var groupSource = await ChooseAsync(ctx.Get(source)!, config, id, status, ctx);
            ctx.Info($"Watching group '{id}' at {config.BootstrapServers}: {groupSource.Description}. Ctrl+C leaves.");
            var watch = new Watch(ctx, id, named, groupSource, WatchConsumer.Build(config.ConsumerConfig(), id, ctx.Output));
            try
            {
                await watch.RunAsync(ctx.Get(refreshes));
            }
            catch (OperationCanceledException) when (ctx.Cancellation.IsCancellationRequested)
            {
                // Ctrl+C is how a watch ends.
            }
            finally
            {
                watch.Dispose();
            }
            ctx.Info($"Stopped watching group '{id}' after {watch.Refreshes} refresh(es), {watch.RebalancesSeen} rebalance(s) seen.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<IGroupSource> ChooseAsync(string choice, Configuration.DemoConfiguration config, string group, string statusTopic, DemoContext ctx)
    {
        if (choice == "member-reports") return new MemberReportSource(config.ConsumerConfig(), group, statusTopic, ctx.Output);
        var probe = await GroupOffsets.DescribeAsync(config.AdminConfig(), group, ctx.Cancellation);
        if (probe.Supported) return new GroupApiSource(config.AdminConfig(), group, ctx.Output);
        if (choice == "group-api")
            throw new DemoException($"--source group-api: the broker at {config.BootstrapServers} cannot describe groups ({probe.Unavailable}); " +
                "leave --source out to read the members' reports instead", ExitCodes.Failed);
        return new MemberReportSource(config.ConsumerConfig(), group, statusTopic, ctx.Output);
    }

    private sealed class Watch(DemoContext ctx, string group, string[] named, IGroupSource source, Confluent.Kafka.IConsumer<Confluent.Kafka.Ignore, byte[]> consumer) : IDisposable
    {
        private readonly Dictionary<string, (long Position, DateTime Time)> _previous = [];
        private readonly bool _live = ctx.Format == OutputFormat.Text && !Console.IsOutputRedirected;
        private GroupStateEvent? _latest;
        private List<string> _partitions = [];
        private string _topicKey = "";

        public int Refreshes { get; private set; }

        public int RebalancesSeen { get; private set; }

        public async Task RunAsync(int? limit)
        {
            // The named topics' partitions are known from the first refresh on; the members' topics join them as they report.
            var topics = named.Distinct().Order(StringComparer.Ordinal).ToList();
            _partitions = WatchConsumer.Partitions(consumer, topics);
            _topicKey = string.Join(",", topics);
            if (!_live)
            {
                while (limit is null || Refreshes < limit) Show(await NextAsync());
                return;
            }
            _latest = await NextAsync();
            // The picture is redrawn in place by the output's live region; status lines (client
            // warnings, errors) print above it without tearing it.
            using var view = ctx.ShowLiveView(() => TableEvent.Render(GroupWatchView.Render(_latest, source.Description, source.Timeline)), TimeSpan.FromMilliseconds(250));
            while (limit is null || Refreshes < limit) _latest = await NextAsync();
        }

        /// <summary>One refresh: what the source saw in the last second, with committed offsets, log ends and rates.</summary>
        private async Task<GroupStateEvent> NextAsync()
        {
            var picture = await source.ReadAsync(_partitions, Refresh, ctx.Cancellation);
            var (topics, from) = Topics(picture);
            var before = _partitions;
            string key = string.Join(",", topics);
            if (key != _topicKey)
            {
                _partitions = WatchConsumer.Partitions(consumer, topics);
                _topicKey = key;
            }
            var shown = _partitions.Union(picture.Owners.Keys).OrderBy(p => WatchConsumer.Parse(p).Topic, StringComparer.Ordinal)
                .ThenBy(p => WatchConsumer.Parse(p).Partition.Value).ToList();
            var ends = WatchConsumer.Ends(consumer, shown);
            // Partitions that joined the rows this refresh: the source read no committed offsets for them yet.
            var committedNow = new Dictionary<string, long>(picture.Committed);
            foreach (var (p, offset) in WatchConsumer.Committed(consumer, shown.Except(before).Where(p => !committedNow.ContainsKey(p)).ToList()))
                committedNow[p] = offset;
            var now = picture.Time;
            var rows = shown.Select(p =>
            {
                var owner = picture.Owners.GetValueOrDefault(p);
                long? committed = committedNow.TryGetValue(p, out long c) ? c : null;
                long end = ends.GetValueOrDefault(p, -1);
                return new WatchedPartition(WatchConsumer.Parse(p).Topic, WatchConsumer.Parse(p).Partition.Value, owner?.MemberId, owner?.ClientId,
                    committed, end, committed is long cc && end >= 0 ? Math.Max(0, end - cc) : null, Rate(p, picture.Positions.TryGetValue(p, out long pos) ? pos : committed, now));
            }).ToList();

            foreach (var rebalance in picture.Rebalances)
            {
                RebalancesSeen++;
                if (!_live) ctx.Output.Emit(rebalance);
            }
            Refreshes++;
            return new GroupStateEvent(group, now, source.Name, picture.State, picture.Protocol, picture.Assignor, picture.Generation, picture.Members, rows, from);
        }

        /// <summary>
        /// The topics whose partitions are rows, and where they come from: the live members' topics; the
        /// group's committed offsets (with no live member the only place to find them: before the first
        /// consumer starts, after the last one stops); --topic.
        /// </summary>
        private (List<string> Topics, List<string> From) Topics(GroupPicture picture)
        {
            var committed = picture.Committed.Keys.Select(p => WatchConsumer.Parse(p).Topic).ToList();
            if (picture.Topics.Count == 0) committed.AddRange(WatchConsumer.CommittedTopics(consumer));
            var extra = committed.Except(picture.Topics).Except(named).ToList();
            var from = new List<string>();
            if (picture.Topics.Count > 0) from.Add("members");
            if (extra.Count > 0) from.Add("committed_offsets");
            if (named.Length > 0) from.Add("topic_option");
            return (picture.Topics.Union(extra).Union(named).Distinct().Order(StringComparer.Ordinal).ToList(), from);
        }

        /// <summary>Records per second since the previous refresh: members' positions where they report them, else the committed offset.</summary>
        private double? Rate(string partition, long? position, DateTime now)
        {
            if (position is not long p) return null;
            double? rate = _previous.TryGetValue(partition, out var before) && now > before.Time
                ? Math.Round(Math.Max(0, p - before.Position) / (now - before.Time).TotalSeconds, 1)
                : null;
            _previous[partition] = (p, now);
            return rate;
        }

        private void Show(GroupStateEvent state)
        {
            if (ctx.Format == OutputFormat.Json)
                ctx.Output.Emit(state);
            else
                ctx.Output.Emit(new TableViewEvent(GroupWatchView.Render(state, source.Description, source.Timeline)));
        }

        public void Dispose()
        {
            consumer.Close();
            consumer.Dispose();
        }
    }

    /// <summary>The view as plain text, for a redirected stdout (a file, a pipe): one picture per refresh.</summary>
    private sealed record TableViewEvent(Spectre.Console.Rendering.IRenderable View) : DemoEvent("group_view", isData: true)
    {
        public override string? ToText() => TableEvent.Render(View) + Environment.NewLine;
    }
}
