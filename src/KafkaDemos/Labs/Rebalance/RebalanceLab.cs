using System.CommandLine;
using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.Producers;

namespace KafkaDemos.Labs.Rebalance;

/// <summary>
/// `demo lab rebalance`: the course's slides "one, two, four, five consumers on a four-partition
/// topic", live. Consumers join one group one at a time, then stop one by one; after each change
/// the lab waits for the group to settle (by the members' own assigned and revoked events, with a
/// deadline), prints who owns what, checks that every partition has exactly one owner and that a
/// member beyond the partition count is idle, and says how long the rebalance took.
/// </summary>
public static class RebalanceLab
{
    public const string Name = "rebalance";

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromSeconds(15);

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
            Uses the configured broker if it answers, otherwise (or with --embedded) the embedded broker.
            Exits 0 only if every check held.

            Examples:
              demo lab rebalance
              demo lab rebalance --consumers 3 --partitions 2 --assignment-strategy cooperative-sticky
              demo lab rebalance --group-protocol both --embedded
              demo lab rebalance --processes --embedded -o json

            Exit codes: 0 every check held, 1 a check failed, 2 bad flag or configuration, 3 no broker answered.
            """)
        {
            consumers, partitions, assignment, processes, groupProtocol, embedded,
        };

        command.SetDemoAction(async ctx =>
        {
            int memberCount = ctx.Get(consumers), partitionCount = ctx.Get(partitions);
            if (memberCount is < 1 or > 20) throw new UsageException($"--consumers {memberCount} must be between 1 and 20");
            if (partitionCount is < 1 or > 64) throw new UsageException($"--partitions {partitionCount} must be between 1 and 64");
            bool asProcesses = ctx.Get(processes);
            if (asProcesses && OperatingSystem.IsWindows()) throw new UsageException("--processes stops its children with SIGTERM, which Windows lacks: run without it");
            string strategy = ctx.Get(assignment)!;
            string protocol = ctx.Get(groupProtocol)!;
            if (protocol == GroupProtocolSettings.Consumer && ctx.Parse.GetResult(assignment) is { Implicit: false })
                throw new UsageException($"--assignment-strategy {strategy} contradicts --group-protocol consumer: the broker assigns there, no client-side assignor runs");
            string[] protocols = protocol == Both ? [GroupProtocolSettings.Classic, GroupProtocolSettings.Consumer] : [protocol];

            var config = ctx.LoadConfiguration();
            await using var broker = await LabBroker.AcquireAsync(config, ctx.Get(embedded), ctx.Output);
            var clock = Stopwatch.StartNew();
            var runs = new List<Run>();
            foreach (string p in protocols)
            {
                if (ctx.Cancellation.IsCancellationRequested) break;
                var lab = new Run(ctx, broker, memberCount, partitionCount, p == GroupProtocolSettings.Consumer ? null : strategy, asProcesses);
                await lab.RunAsync(config);
                runs.Add(lab);
            }
            if (runs.Count == 2) Compare(ctx, runs);
            return Summarize(ctx, runs, protocol, broker, clock.Elapsed);
        });
        return command;
    }

    private const string Both = "both";

    private sealed record StepResult(int Step, string Change, int Members, TimeSpan? Rebalance, bool OneOwner, string Idle,
        IReadOnlyDictionary<string, TimeSpan> Paused, long ProcessedTwice)
    {
        public TimeSpan LongestPause => Paused.Count == 0 ? TimeSpan.Zero : Paused.Values.Max();
    }

    private static string Seconds(TimeSpan? t) => t is TimeSpan s ? $"{s.TotalSeconds:0.0} s" : "not settled";

    /// <summary>The same steps under both protocols, side by side.</summary>
    private static void Compare(DemoContext ctx, List<Run> runs)
    {
        var (classic, consumer) = (runs[0], runs[1]);
        var rows = classic.Steps.Zip(consumer.Steps, (a, b) => (IReadOnlyList<object?>)
        [
            a.Step, a.Change,
            Seconds(a.Rebalance), Seconds(a.LongestPause), a.ProcessedTwice,
            Seconds(b.Rebalance), Seconds(b.LongestPause), b.ProcessedTwice,
        ]).ToList();
        rows.Add(["", "total",
            Seconds(Total(classic.Steps, s => s.Rebalance ?? TimeSpan.Zero)), Seconds(Total(classic.Steps, s => s.LongestPause)), classic.Steps.Sum(s => s.ProcessedTwice),
            Seconds(Total(consumer.Steps, s => s.Rebalance ?? TimeSpan.Zero)), Seconds(Total(consumer.Steps, s => s.LongestPause)), consumer.Steps.Sum(s => s.ProcessedTwice)]);
        ctx.Output.Emit(new TableEvent($"Rebalance lab: classic ({classic.Strategy}) and consumer (KIP-848), the same steps",
            ["Step", "Change", "Classic: all owned after", "Classic: longest pause", "Classic: processed twice",
             "Consumer: all owned after", "Consumer: longest pause", "Consumer: processed twice"], rows));
        ctx.Info("• All owned after: from the change until every partition had exactly one owner again (and the partitions were spread evenly).");
        ctx.Info("• Longest pause: the longest time a member that had partitions owned none during the rebalance, so consumed nothing.");
        ctx.Info("• Processed twice: records consumed again by their next owner, because the sync commit of the batch in flight had not happened (or was refused) when the partition moved.");
    }

    private static TimeSpan Total(IEnumerable<StepResult> steps, Func<StepResult, TimeSpan> pick) =>
        steps.Aggregate(TimeSpan.Zero, (sum, s) => sum + pick(s));

    private static int Summarize(DemoContext ctx, List<Run> runs, string protocol, LabBroker broker, TimeSpan elapsed)
    {
        var checks = runs.SelectMany(r => r.Checks).ToList();
        int failed = checks.Count(c => !c.Passed);
        bool complete = runs.Count == (protocol == Both ? 2 : 1) && runs.All(r => r.Complete);
        var first = runs.FirstOrDefault();
        ctx.Output.Emit(new SummaryEvent("lab",
        [
            new("lab", Name), new("group_protocol", protocol), new("strategy", first?.Strategy), new("consumers", first?.MemberCount),
            new("partitions", first?.PartitionCount), new("processes", first?.AsProcesses),
            new("steps", runs.Sum(r => r.Steps.Count)), new("checks", checks.Count), new("failed", failed),
            new("commit_failures", runs.Sum(r => r.CommitFailures)),
            new("processed_twice", runs.ToDictionary(r => r.Protocol, r => r.Steps.Sum(s => s.ProcessedTwice))),
            new("elapsed_s", Math.Round(elapsed.TotalSeconds, 1)),
            new("broker", broker.Embedded is null ? "configured" : "embedded"),
        ]));
        bool ok = complete && failed == 0;
        ctx.Info(ok ? "Every check held." : "Some checks failed: see the steps marked ✘ above.");
        return ok ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>
    /// One pass of the steps under one protocol; <paramref name="classicStrategy"/> is the client-side
    /// assignor of the classic protocol, null under the consumer protocol (the broker assigns).
    /// </summary>
    private sealed class Run(DemoContext ctx, LabBroker broker, int memberCount, int partitionCount, string? classicStrategy, bool asProcesses)
    {
        private readonly AssignmentBoard _board = new();
        private readonly RebalanceMeasure _measure = new();
        private readonly List<IGroupMember> _live = [];
        private readonly List<StepResult> _steps = [];
        private readonly List<CheckEvent> _checks = [];
        private readonly bool _consumerProtocol = classicStrategy is null;
        private readonly bool _cooperative = classicStrategy is null or "cooperative-sticky";
        private LabGroupWatch? _watch;
        private string _topic = "";
        private string _group = "";
        private ConsumerConfig _consumerConfig = new();
        private IReadOnlyList<TopicPartition> _partitions = [];
        private long _commitFailures;

        public string Protocol => _consumerProtocol ? GroupProtocolSettings.Consumer : GroupProtocolSettings.Classic;

        public string Strategy => classicStrategy ?? $"broker-side ({GroupProtocolSettings.DefaultRemoteAssignor})";

        public int MemberCount => memberCount;

        public int PartitionCount => partitionCount;

        public bool AsProcesses => asProcesses;

        public IReadOnlyList<StepResult> Steps => _steps;

        public IReadOnlyList<CheckEvent> Checks => _checks;

        public bool Complete => _steps.Count == memberCount * 2;

        public long CommitFailures => Interlocked.Read(ref _commitFailures);

        public async Task RunAsync(Configuration.DemoConfiguration config)
        {
            var clock = Stopwatch.StartNew();
            _topic = await broker.CreateTopicAsync(config, "lab.rebalance", partitionCount);
            _group = "lab-rebalance-" + Guid.NewGuid().ToString("N")[..8];
            _partitions = Enumerable.Range(0, partitionCount).Select(p => new TopicPartition(_topic, p)).ToList();
            _consumerConfig = _consumerProtocol ? ConsumerProtocolConfig(config) : LabGroupTiming.Apply(new ConsumerConfig(broker.ConsumerConfig(config))
            {
                GroupId = _group,
                PartitionAssignmentStrategy = classicStrategy switch
                {
                    "roundrobin" => PartitionAssignmentStrategy.RoundRobin,
                    "cooperative-sticky" => PartitionAssignmentStrategy.CooperativeSticky,
                    _ => PartitionAssignmentStrategy.Range,
                },
            }, broker);

            ctx.Info($"The lab runs on {broker.Description}.");
            ctx.Info($"Topic {_topic} ({partitionCount} partitions), group {_group}, group.protocol={Protocol}, " +
                     (_consumerProtocol ? $"the broker assigns ({Strategy}), " : $"partition.assignment.strategy={classicStrategy}, ") +
                     $"{memberCount} consumers {(asProcesses ? "as child processes (demo consume -o json)" : "in this process")}.");
            if (broker.Embedded is not null) ctx.Info($"Group timing: {LabGroupTiming.Note}.");
            if (asProcesses)
            {
                // The members are `demo consume` processes that report their assignments, so `demo groups watch`
                // can show the group; the lab runs one too and checks at every step that it shows what the members printed.
                ctx.Info($"Watch it live in another terminal: demo groups watch {_group} -b {broker.BootstrapServers}");
                _watch = new LabGroupWatch(["groups", "watch", _group, "--topic", _topic, "-b", broker.BootstrapServers, "-o", "json", .. PassedThrough()]);
            }

            // A slow producer, so the members have records to read while partitions move.
            using var feeding = CancellationTokenSource.CreateLinkedTokenSource(ctx.Cancellation);
            var producerSink = ctx.Output.Showing(Shown.Problems);
            var feed = ProducerDemos.For("async").RunAsync(broker.ProducerConfig(config),
                new ProduceOptions { Topic = _topic, Count = 1_000_000, Interval = TimeSpan.FromMilliseconds(200) }, producerSink, feeding.Token);

            try
            {
                int step = 0;
                for (int i = 1; i <= memberCount && !ctx.Cancellation.IsCancellationRequested; i++)
                {
                    string name = $"consumer-{i}";
                    await ChangeAsync(++step, $"{name} joins", () =>
                    {
                        _live.Add(Start(name));
                        return Task.CompletedTask;
                    }, leaving: null);
                }
                while (_live.Count > 0 && !ctx.Cancellation.IsCancellationRequested)
                {
                    var leaving = _live[0];
                    await ChangeAsync(++step, $"{leaving.Name} stops (commit, Close())", async () =>
                    {
                        _live.Remove(leaving);
                        await leaving.StopAsync();
                    }, leaving);
                    await leaving.DisposeAsync();
                }
            }
            finally
            {
                foreach (var member in _live) await member.DisposeAsync();
                await feeding.CancelAsync();
                await feed;
                if (_watch is not null) await _watch.DisposeAsync();
            }

            Report(clock.Elapsed);
        }

        /// <summary>
        /// group.protocol=consumer: no client-side assignor; the session settings of the configuration
        /// (the course's session.timeout.ms) are the broker's there and are left out, with a note.
        /// </summary>
        private ConsumerConfig ConsumerProtocolConfig(Configuration.DemoConfiguration config)
        {
            var settings = new ConsumerConfig(broker.ConsumerConfig(config).ToDictionary(p => p.Key, p => p.Value)) { GroupId = _group };
            settings.Set("group.protocol", GroupProtocolSettings.Consumer);
            var notes = new List<string>();
            var result = GroupProtocolSettings.Apply(config, settings, notes);
            notes.ForEach(ctx.Info);
            LabGroupTiming.ApplyToConsumerGroups(broker);
            return result;
        }

        private IGroupMember Start(string name)
        {
            var observer = new EventObserver(e =>
            {
                if (e is ConsumerEvent { Member: { } member } ce)
                {
                    _board.Record(member, ce);
                    _measure.Record(member, ce);
                }
                if (e is CommitFailedEvent) Interlocked.Increment(ref _commitFailures);
            });
            // In text mode the members' records and commits are left out: who owns what is the point.
            var sink = (ctx.Format == OutputFormat.Text ? ctx.Output.ShowingOnly(e => e is not (ConsumedEvent or CommittedEvent or CommitFailedEvent)) : ctx.Output).With(observer);
            if (!asProcesses) return new InProcessMember(name, _consumerConfig, _topic, sink);
            List<string> args = ["consume", "--commit", SyncCommitConsumer.Name, "--topic", _topic, "--group", _group,
                "--group-protocol", Protocol, "-b", broker.BootstrapServers, "-o", "json", "-X", $"client.id={name}"];
            if (classicStrategy is not null) args.AddRange(["--assignment-strategy", classicStrategy]);
            args.AddRange(PassedThrough());
            if (broker.Embedded is not null && !_consumerProtocol)
                foreach (string property in LabGroupTiming.Properties) args.AddRange(["-X", property]);
            var member = new ChildProcessMember(name, args, sink);
            ctx.Info($"Started {name} as process {member.ProcessId}.");
            return member;
        }

        /// <summary>The lab's own --config files and -X properties, for its child processes.</summary>
        private IEnumerable<string> PassedThrough()
        {
            foreach (string file in ctx.Get(GlobalOptions.Config) ?? [])
            {
                yield return "--config";
                yield return file;
            }
            foreach (string property in ctx.Get(GlobalOptions.Property) ?? [])
            {
                yield return "-X";
                yield return property;
            }
        }

        /// <summary>Makes one change, waits for the group to settle, then prints and checks the assignment.</summary>
        private async Task ChangeAsync(int step, string change, Func<Task> act, IGroupMember? leaving)
        {
            ctx.Output.Emit(new LabStepEvent(Name, step, change));
            long before = _board.Sequence;
            long twiceBefore = _measure.ProcessedTwice;
            var staying = _live.Where(m => m != leaving).Select(m => m.Name).ToList();
            var start = _measure.Now;
            await act();
            TimeSpan? settled = await SettleAsync(before, leaving, start);
            var paused = _measure.Paused(staying, start, start + (settled ?? SettleTimeout));
            long twice = _measure.ProcessedTwice - twiceBefore;
            var owners = Owners();
            bool oneOwner = owners.Values.All(o => o.Count == 1);
            var idle = _live.Where(m => _board.Partitions(m.Name).Count == 0).Select(m => m.Name).ToList();

            ctx.Info(settled is TimeSpan t
                ? $"The group settled {t.TotalSeconds:0.0} s after the change; " +
                  (paused.Count == 0 ? "no member had partitions to lose" : "paused: " + string.Join(", ", paused.Select(p => $"{p.Key} {p.Value.TotalSeconds:0.0} s"))) +
                  $"; {twice} record(s) processed twice."
                : $"The group did NOT settle within {SettleTimeout.TotalSeconds:0} s of the change.");
            ctx.Output.Emit(new TableEvent($"After step {step}",
                ["Member", "Partitions", "Count"],
                _live.Select(m => (IReadOnlyList<object?>)[m.Name, "[" + string.Join(", ", Sorted(_board.Partitions(m.Name))) + "]", _board.Partitions(m.Name).Count]).ToList()));

            if (leaving is not null)
                Check($"{leaving.Name} stopped cleanly (committed and left the group)", leaving.StoppedCleanly,
                    leaving is ChildProcessMember { StoppedCleanly: false } child ? $"exit code {child.ExitCode}: {child.LastMessages}" : "");
            if (_live.Count > 0)
            {
                Check("every partition has exactly one owner", oneOwner,
                    string.Join(", ", owners.Where(o => o.Value.Count != 1).Select(o => $"{TopicPartitionJsonConverter.Format(o.Key)}: {(o.Value.Count == 0 ? "no owner" : string.Join(" and ", o.Value))}")));
                if (_live.Count > partitionCount)
                    Check($"{_live.Count - partitionCount} member(s) beyond {partitionCount} partitions idle, given []", idle.Count == _live.Count - partitionCount, string.Join(", ", idle));
            }
            Check("the group settled", settled is not null, settled is null ? $"waited {SettleTimeout.TotalSeconds:0} s" : "");
            if (_watch is not null)
            {
                var printed = _live.ToDictionary(m => m.Name, m => _board.Partitions(m.Name));
                var (agrees, shown) = await _watch.AgreesAsync(printed, WatchTimeout);
                Check("groups watch shows each partition's owner as its member printed it", agrees, agrees ? "" : $"watch showed {shown}");
            }
            _steps.Add(new StepResult(step, change, _live.Count, settled, _live.Count == 0 || oneOwner, idle.Count == 0 ? "-" : string.Join(", ", idle), paused, twice));
            ctx.Output.Emit(new LabRowEvent(Name,
            [
                new("group_protocol", Protocol), new("step", step), new("change", change), new("members", _live.Count),
                new("rebalance_s", settled is TimeSpan s ? Math.Round(s.TotalSeconds, 2) : null),
                new("paused_s", paused.ToDictionary(p => p.Key, p => Math.Round(p.Value.TotalSeconds, 2))),
                new("longest_pause_s", Math.Round(_steps[^1].LongestPause.TotalSeconds, 2)),
                new("processed_twice", twice),
                new("assignment", _live.ToDictionary(m => m.Name, m => Sorted(_board.Partitions(m.Name)))),
                new("one_owner_per_partition", _live.Count == 0 || oneOwner), new("idle", idle),
            ]));
        }

        /// <summary>
        /// Waits until the group has settled after a change: the member that left has finished leaving;
        /// every partition has exactly one owner among the members; the partitions are spread evenly; and
        /// each member has been given its assignment since the change (eager protocols revoke and assign
        /// on every member; cooperative-sticky leaves untouched members alone, so there it is enough that
        /// every member has been assigned once).
        /// </summary>
        /// <remarks>
        /// The time is that of the last assignment change that made it settled (before the change: 0).
        /// Under the consumer protocol a member given nothing hears nothing, and the others learn of the
        /// broker's new target at their next heartbeat; so there the picture must also stay unchanged for
        /// <see cref="Quiet"/> before it counts.
        /// </remarks>
        private async Task<TimeSpan?> SettleAsync(long before, IGroupMember? leaving, TimeSpan start)
        {
            while (_measure.Now - start < SettleTimeout)
            {
                ctx.Cancellation.ThrowIfCancellationRequested();
                if (IsSettled(before, leaving))
                {
                    var last = _measure.LastChange;
                    if (!_consumerProtocol || _measure.Now - last >= Quiet)
                        return last > start ? last - start : TimeSpan.Zero;
                }
                await Task.Delay(PollInterval, ctx.Cancellation);
            }
            return null;
        }

        private TimeSpan Quiet => broker.Embedded is null ? TimeSpan.FromSeconds(6) : TimeSpan.FromMilliseconds(3 * LabGroupTiming.HeartbeatIntervalMs);

        private bool IsSettled(long before, IGroupMember? leaving)
        {
            if (leaving is not null && !leaving.Completion.IsCompleted) return false;
            if (_live.Count == 0) return true;
            if (!Owners().Values.All(o => o.Count == 1)) return false;
            var counts = _live.Select(m => _board.Partitions(m.Name).Count).ToList();
            if (counts.Max() - counts.Min() > 1) return false;
            if (_consumerProtocol) return true;
            return _live.All(m => _board.AssignedSince(m.Name, _cooperative ? 0 : before));
        }

        private Dictionary<TopicPartition, List<string>> Owners() =>
            _partitions.ToDictionary(p => p, p => _live.Where(m => _board.Partitions(m.Name).Contains(p)).Select(m => m.Name).ToList());

        private static List<int> Sorted(IEnumerable<TopicPartition> partitions) => partitions.Select(p => p.Partition.Value).Order().ToList();

        private void Check(string what, bool passed, string detail = "")
        {
            var check = new CheckEvent(Name, what, passed, detail);
            _checks.Add(check);
            ctx.Output.Emit(check);
        }

        private void Report(TimeSpan elapsed)
        {
            ctx.Output.Emit(new TableEvent($"Rebalance lab: {partitionCount} partitions, group.protocol={Protocol}, {Strategy}",
                ["Step", "Change", "Members", "Rebalance", "Longest pause", "Processed twice", "One owner each", "Idle"],
                _steps.Select(s => (IReadOnlyList<object?>)
                [
                    s.Step, s.Change, s.Members, Seconds(s.Rebalance), Seconds(s.LongestPause), s.ProcessedTwice, s.OneOwner ? "yes" : "NO", s.Idle,
                ]).ToList()));
            if (CommitFailures > 0)
                ctx.Info($"{CommitFailures} commit(s) were refused while the group rebalanced (the members' next owner reads those records again).");
            ctx.Info($"group.protocol={Protocol}: {_steps.Count} steps in {elapsed.TotalSeconds:0.0} s.");
        }

    }
}
