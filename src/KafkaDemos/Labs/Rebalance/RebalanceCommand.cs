using System.CommandLine;
using System.Diagnostics;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.Web;

namespace KafkaDemos.Labs.Rebalance;

/// <summary>The `demo lab rebalance` command: its options, help text and the checks on them, then one run per protocol.</summary>
public static partial class RebalanceLab
{
    public static Command Create(Option<bool> embedded)
    {
        var consumers = new Option<int>("--consumers") { Description = "Consumers that join the group, one at a time", DefaultValueFactory = _ => 5, HelpName = "N" };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of the lab's topic", DefaultValueFactory = _ => 4, HelpName = "P" };
        var assignment = new Option<string>("--assignment-strategy")
        {
            Description = "Partition assignment strategy (partition.assignment.strategy)",
            DefaultValueFactory = _ => "range",
            HelpName = "range|roundrobin|cooperative-sticky",
        };
        assignment.AcceptOnlyFromAmong("range", "roundrobin", "cooperative-sticky");
        var processes = new Option<bool>("--processes") { Description = "Run each consumer as a child process (`demo consume -o json`) instead of in this process" };
        var groupProtocol = new Option<string>("--group-protocol")
        {
            Description = "Rebalance protocol: classic (the course's), consumer (KIP-848, the broker assigns), or both: the same steps under each, then a comparison",
            DefaultValueFactory = _ => GroupProtocolSettings.Classic,
            HelpName = "classic|consumer|both",
        };
        groupProtocol.AcceptOnlyFromAmong(GroupProtocolSettings.Classic, GroupProtocolSettings.Consumer, Both);
        var web = new Option<string?>("--web")
        {
            Description = $"Show the lab's group live in the browser while it runs, at this address (default {WebAddress.Default}; both groups side by side with --group-protocol both)",
            HelpName = "HOST:PORT",
            Arity = ArgumentArity.ZeroOrOne,
        };

        var command = new Command(Name, """
            The course's "one, two, four, five consumers on a four-partition topic", live. Consumers join one
            group one at a time (in this process, or as child processes with --processes), then stop one by
            one (a clean stop: commit, then Close()). After each change the lab waits for the group to settle,
            prints the assignment table (member -> partitions) and how long the rebalance took, and checks
            that every partition has exactly one owner and that a member beyond the partition count is idle
            ("Setting newly assigned partitions: []", like the course's fifth consumer). A producer writes one
            record every 200 ms meanwhile, so the members have something to read.

            Each step also says what the change cost: the time until every partition had exactly one owner
            again, how long each member that had partitions owned none (it stopped consuming), and how
            many records were processed twice. --group-protocol consumer runs the steps under KIP-848's
            consumer protocol (the broker assigns and moves partitions one member at a time; members keep
            the partitions that stay); both runs them under each protocol and prints the comparison.
            On the embedded broker both protocols get a 3 s session and 500 ms heartbeats (the consumer
            protocol's are set on the broker). With --processes each member is `demo consume`, so
            `demo groups watch GROUP` in another terminal shows the group live; the lab runs one itself and
            checks at every step that it shows each partition's owner as the members printed it.
            With --web the lab serves the page of `demo groups watch --web` (http://127.0.0.1:5080/ by
            default) and shows its group there while it runs: partitions coloured by owner, the rebalances, lag
            and records/s; under --group-protocol both the two groups side by side. The members then report their
            assignment (in-process ones too), and the groups watch check runs at every step.
            Uses the configured broker if it answers, otherwise (or with --embedded) the embedded broker.
            Exits 0 only if every check held.

            Examples:
              demo lab rebalance
              demo lab rebalance --consumers 3 --partitions 2 --assignment-strategy cooperative-sticky
              demo lab rebalance --group-protocol both --embedded
              demo lab rebalance --processes --embedded -o json
              demo lab rebalance --group-protocol both --embedded --web

            Exit codes: 0 every check held, 1 a check failed, 2 bad flag or configuration, 3 no broker answered.
            """)
        {
            consumers, partitions, assignment, processes, groupProtocol, embedded, web,
        };

        command.SetDemoAction(async ctx =>
        {
            int memberCount = ctx.Get(consumers), partitionCount = ctx.Get(partitions);
            if (memberCount is < 1 or > 20) throw new UsageException($"--consumers {memberCount} must be between 1 and 20");
            if (partitionCount is < 1 or > 64) throw new UsageException($"--partitions {partitionCount} must be between 1 and 64");
            bool asProcesses = ctx.Get(processes);
            string strategy = ctx.Get(assignment)!;
            string protocol = ctx.Get(groupProtocol)!;
            if (protocol == GroupProtocolSettings.Consumer && ctx.Parse.GetResult(assignment) is { Implicit: false })
                throw new UsageException($"--assignment-strategy {strategy} contradicts --group-protocol consumer: the broker assigns there, no client-side assignor runs");
            string[] protocols = protocol == Both ? [GroupProtocolSettings.Classic, GroupProtocolSettings.Consumer] : [protocol];

            var config = ctx.LoadConfiguration();
            await using var page = ctx.Parse.GetResult(web) is null ? null : await WebView.StartAsync(ctx.Get(web), ctx.Cancellation);
            if (page is not null) ctx.Output.Emit(page.Served);
            await using var broker = await LabBroker.AcquireAsync(config, ctx.Get(embedded), ctx.Output);
            var clock = Stopwatch.StartNew();
            var runs = new List<Pass>();
            foreach (string p in protocols)
            {
                if (ctx.Cancellation.IsCancellationRequested) break;
                var lab = new Pass(ctx, broker, memberCount, partitionCount, p == GroupProtocolSettings.Consumer ? null : strategy, asProcesses, page);
                await lab.RunAsync(config);
                runs.Add(lab);
            }
            if (runs.Count == 2) Compare(ctx, runs);
            return Summarize(ctx, runs, protocol, broker, clock.Elapsed);
        });
        return command;
    }
}
