using System.CommandLine;
using KafkaDemos.Cli;
using KafkaDemos.Core;
using KafkaDemos.Web;

namespace KafkaDemos.Admin;

/// <summary>
/// `demo groups watch GROUP`: the course's pictures of partitions moving between consumers, live.
/// About once a second it shows who owns each partition, how far the group has committed and how far
/// behind it is, and the rebalances it saw. It never joins the group it watches.
/// </summary>
public static class GroupWatchCommand
{

    public static Command Create()
    {
        var group = new Argument<string>("GROUP") { Description = "Consumer group id" };
        var topics = new Option<string[]>("--topic", "-t")
        {
            Description = "Also show every partition of this topic, owned or not (repeatable; default: the topics the members subscribe to, and with no live member those the group has committed offsets on)",
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
        var web = new Option<string?>("--web")
        {
            Description = $"Also serve the group as a live page in the browser, at this address (default {WebAddress.Default}; this machine only unless another address is given)",
            HelpName = "HOST:PORT",
            Arity = ArgumentArity.ZeroOrOne,
        };

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

            With no live member (before the first consumer starts, after the last one stops) the partitions
            shown are those of the topics the group has committed offsets on; a line says where they come
            from. While no broker answers, the view says since when and keeps the last picture (state
            Unknown); the watch's own client warnings are counted there, not printed over the view.

            With --web it also serves a live page of the group (default http://{WebAddress.Default}/): the
            partitions as lanes with log end, committed offset and lag to scale, coloured by owner, the
            members, the rebalance timeline, and charts of lag and records/s over the last minutes. The page
            is an observer of the same events -o json prints: /events streams them (Server-Sent Events,
            the current state first), /history returns the last minutes. The terminal then keeps a short
            status line instead of the table. Only this machine can open the page unless --web names
            another address (0.0.0.0:PORT serves the network). A port in use exits 2.

            Watch never joins the group: it reads the group's committed offsets with the group's id but never
            subscribes. Ctrl+C leaves at once. With -o json it writes one "group_state" event per refresh
            and one "rebalance" event per completed rebalance.

            Examples:
              demo groups watch tdea
              demo groups watch tdea --topic ak03.fourpartition
              demo groups watch tdea -o json | jq -c 'select(.event == "rebalance")'
              demo groups watch tdea --refreshes 5 > snapshot.txt
              demo groups watch tdea --web
              demo groups watch tdea --web 127.0.0.1:8080 -o json

            Exit codes: 0 stopped (Ctrl+C or --refreshes), 1 the group could not be read, 2 bad flag or
            configuration, 3 no broker answered.
            """)
        {
            group, topics, source, statusTopic, refreshes, web,
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
            // The page's address is checked (and taken) before the broker is asked: a port in use is bad input.
            await using var page = ctx.Parse.GetResult(web) is null ? null : await WebView.StartAsync(ctx.Get(web), ctx.Cancellation);
            if (page is not null) ctx.Output.Emit(page.Served);
            BrokerPreflight.Check(config);

            // On a terminal the picture is redrawn in place (or, beside the page, a status line): the watch's own clients'
            // warnings (a broker gone is hundreds of reconnect lines) are counted for the view instead of scrolling through it.
            var view = ctx.Format == OutputFormat.Json || page is not null ? WatchView.Events
                : Console.IsOutputRedirected ? WatchView.Pictures
                : WatchView.LiveTable;
            var clients = view == WatchView.LiveTable || (page is not null && ctx.Format == OutputFormat.Text) ? ctx.Output.Showing(Shown.AllButClientNotices) : ctx.Output;
            using var groupSource = await ChooseAsync(ctx.Get(source)!, config, id, status, ctx, clients);
            ctx.Info($"Watching group '{id}' at {config.BootstrapServers}: {groupSource.Description}. Ctrl+C leaves.");
            var line = page is null ? null : new WebStatusLine(id, page);
            var watch = new GroupWatch(ctx, id, named, groupSource, WatchConsumer.Build(config.ConsumerConfig(), id, clients), clients, view,
                page is null ? [] : [page, line!]);
            using var statusLine = line is null ? null : ctx.ShowLive(line.Render, TimeSpan.FromMilliseconds(500), noDataMeanwhile: true);
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
                // The page closes first (within a second); the watch's clients then leave with their own bounds.
                if (page is not null) await page.DisposeAsync();
                watch.Dispose();
            }
            ctx.Info($"Stopped watching group '{id}' after {watch.Refreshes} refresh(es), {watch.RebalancesSeen} rebalance(s) seen.");
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<IGroupSource> ChooseAsync(string choice, Configuration.DemoConfiguration config, string group, string statusTopic, DemoContext ctx, Reporter clients)
    {
        if (choice == "member-reports") return new MemberReportSource(config.ConsumerConfig(), group, statusTopic, clients);
        var probe = await GroupOffsets.DescribeAsync(config.AdminConfig(), group, ctx.Cancellation);
        if (probe.Supported) return new GroupApiSource(config.AdminConfig(), group, clients);
        if (choice == "group-api")
            throw new DemoException($"--source group-api: the broker at {config.BootstrapServers} cannot describe groups ({probe.Unavailable}); " +
                "leave --source out to read the members' reports instead", ExitCodes.Failed);
        return new MemberReportSource(config.ConsumerConfig(), group, statusTopic, clients);
    }

    /// <summary>The view as plain text, for a redirected stdout (a file, a pipe): one picture per refresh.</summary>
    internal sealed record TableViewEvent(Spectre.Console.Rendering.IRenderable View) : DemoEvent("group_view", isData: true)
    {
        public override string? ToText() => TableEvent.Render(View) + Environment.NewLine;
    }
}
