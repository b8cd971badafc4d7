using System.CommandLine;
using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Cli;
using KafkaDemos.Cli.Output;
using KafkaDemos.Consumers;
using KafkaDemos.Producers;

namespace KafkaDemos.Labs;

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

        var command = new Command(Name, """
            The course's "one, two, four, five consumers on a four-partition topic", live. Consumers join one
            group one at a time (in this process, or as child processes with --processes), then stop one by
            one (a clean stop: commit, then Close()). After each change the lab waits for the group to settle,
            prints the assignment table (member -> partitions) and how long the rebalance took, and checks
            that every partition has exactly one owner and that a member beyond the partition count is idle
            ("Setting newly assigned partitions: []", like the course's fifth consumer). A producer writes one
            record every 200 ms meanwhile, so the members have something to read.
            Uses the configured broker if it answers, otherwise (or with --embedded) the embedded broker.
            Exits 0 only if every check held.

            Examples:
              demo lab rebalance
              demo lab rebalance --consumers 3 --partitions 2 --assignment-strategy cooperative-sticky
              demo lab rebalance --processes --embedded -o json
            """)
        {
            consumers, partitions, assignment, processes, embedded,
        };

        command.SetDemoAction(async ctx =>
        {
            int memberCount = ctx.Get(consumers), partitionCount = ctx.Get(partitions);
            if (memberCount is < 1 or > 20) throw new UsageException($"--consumers {memberCount} must be between 1 and 20");
            if (partitionCount is < 1 or > 64) throw new UsageException($"--partitions {partitionCount} must be between 1 and 64");
            bool asProcesses = ctx.Get(processes);
            if (asProcesses && OperatingSystem.IsWindows()) throw new UsageException("--processes stops its children with SIGTERM, which Windows lacks: run without it");
            string strategy = ctx.Get(assignment)!;

            var config = ctx.LoadConfiguration();
            await using var broker = await LabBroker.AcquireAsync(config, ctx.Get(embedded), ctx.Output);
            var lab = new Run(ctx, broker, memberCount, partitionCount, strategy, asProcesses);
            return await lab.RunAsync(config);
        });
        return command;
    }

    private sealed record StepResult(int Step, string Change, int Members, TimeSpan? Rebalance, bool OneOwner, string Idle);

    private sealed class Run(DemoContext ctx, LabBroker broker, int memberCount, int partitionCount, string strategy, bool asProcesses)
    {
        private readonly AssignmentBoard _board = new();
        private readonly List<IGroupMember> _live = [];
        private readonly List<StepResult> _steps = [];
        private readonly List<CheckEvent> _checks = [];
        private readonly bool _cooperative = strategy == "cooperative-sticky";
        private string _topic = "";
        private string _group = "";
        private ConsumerConfig _consumerConfig = new();
        private IReadOnlyList<string> _partitionNames = [];
        private long _commitFailures;

        public async Task<int> RunAsync(Configuration.DemoConfiguration config)
        {
            var clock = Stopwatch.StartNew();
            _topic = await broker.CreateTopicAsync(config, "lab.rebalance", partitionCount);
            _group = "lab-rebalance-" + Guid.NewGuid().ToString("N")[..8];
            _partitionNames = Enumerable.Range(0, partitionCount).Select(p => $"{_topic}-{p}").ToList();
            _consumerConfig = LabGroupTiming.Apply(new ConsumerConfig(broker.ConsumerConfig(config))
            {
                GroupId = _group,
                PartitionAssignmentStrategy = strategy switch
                {
                    "roundrobin" => PartitionAssignmentStrategy.RoundRobin,
                    "cooperative-sticky" => PartitionAssignmentStrategy.CooperativeSticky,
                    _ => PartitionAssignmentStrategy.Range,
                },
            }, broker);

            ctx.Info($"The lab runs on {broker.Description}.");
            ctx.Info($"Topic {_topic} ({partitionCount} partitions), group {_group}, partition.assignment.strategy={strategy}, " +
                     $"{memberCount} consumers {(asProcesses ? "as child processes (demo consume -o json)" : "in this process")}.");
            if (broker.Embedded is not null) ctx.Info($"Group timing: {LabGroupTiming.Note}.");

            // A slow producer, so the members have records to read while partitions move.
            using var feeding = CancellationTokenSource.CreateLinkedTokenSource(ctx.Cancellation);
            var producerSink = new FilterSink(ctx.Output, e => e is ErrorEvent or WarningEvent);
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
            }

            return Report(clock.Elapsed);
        }

        private IGroupMember Start(string name)
        {
            var sink = new MemberSink(this, ctx.Output, ctx.Format == OutputFormat.Text);
            if (!asProcesses) return new InProcessMember(name, _consumerConfig, _topic, sink);
            List<string> args = ["consume", "--commit", SyncCommitConsumer.Name, "--topic", _topic, "--group", _group,
                "--assignment-strategy", strategy, "-b", broker.BootstrapServers, "-o", "json"];
            foreach (string file in ctx.Get(GlobalOptions.Config) ?? []) args.AddRange(["--config", file]);
            foreach (string property in ctx.Get(GlobalOptions.Property) ?? []) args.AddRange(["-X", property]);
            if (broker.Embedded is not null)
                foreach (string property in LabGroupTiming.Properties) args.AddRange(["-X", property]);
            var member = new ChildProcessMember(name, args, sink);
            ctx.Info($"Started {name} as process {member.ProcessId}.");
            return member;
        }

        /// <summary>Makes one change, waits for the group to settle, then prints and checks the assignment.</summary>
        private async Task ChangeAsync(int step, string change, Func<Task> act, IGroupMember? leaving)
        {
            ctx.Output.Emit(new LabStepEvent(Name, step, change));
            long before = _board.Sequence;
            var clock = Stopwatch.StartNew();
            await act();
            TimeSpan? settled = await SettleAsync(before, leaving, clock);
            var owners = Owners();
            bool oneOwner = owners.Values.All(o => o.Count == 1);
            var idle = _live.Where(m => _board.Partitions(m.Name).Count == 0).Select(m => m.Name).ToList();

            ctx.Info(settled is TimeSpan t
                ? $"The group settled {t.TotalSeconds:0.0} s after the change."
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
                    string.Join(", ", owners.Where(o => o.Value.Count != 1).Select(o => $"{o.Key}: {(o.Value.Count == 0 ? "no owner" : string.Join(" and ", o.Value))}")));
                if (_live.Count > partitionCount)
                    Check($"{_live.Count - partitionCount} member(s) beyond {partitionCount} partitions idle, given []", idle.Count == _live.Count - partitionCount, string.Join(", ", idle));
            }
            Check("the group settled", settled is not null, settled is null ? $"waited {SettleTimeout.TotalSeconds:0} s" : "");
            _steps.Add(new StepResult(step, change, _live.Count, settled, _live.Count == 0 || oneOwner, idle.Count == 0 ? "-" : string.Join(", ", idle)));
            ctx.Output.Emit(new LabRowEvent(Name,
            [
                new("step", step), new("change", change), new("members", _live.Count),
                new("rebalance_s", settled is TimeSpan s ? Math.Round(s.TotalSeconds, 2) : null),
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
        private async Task<TimeSpan?> SettleAsync(long before, IGroupMember? leaving, Stopwatch clock)
        {
            while (clock.Elapsed < SettleTimeout)
            {
                ctx.Cancellation.ThrowIfCancellationRequested();
                if (IsSettled(before, leaving)) return clock.Elapsed;
                await Task.Delay(PollInterval, ctx.Cancellation);
            }
            return null;
        }

        private bool IsSettled(long before, IGroupMember? leaving)
        {
            if (leaving is not null && !leaving.Completion.IsCompleted) return false;
            if (_live.Count == 0) return true;
            if (!Owners().Values.All(o => o.Count == 1)) return false;
            var counts = _live.Select(m => _board.Partitions(m.Name).Count).ToList();
            if (counts.Max() - counts.Min() > 1) return false;
            return _live.All(m => _board.AssignedSince(m.Name, _cooperative ? 0 : before));
        }

        private Dictionary<string, List<string>> Owners() =>
            _partitionNames.ToDictionary(p => p, p => _live.Where(m => _board.Partitions(m.Name).Contains(p)).Select(m => m.Name).ToList());

        private static List<int> Sorted(IEnumerable<string> partitions) =>
            partitions.Select(p => int.Parse(p[(p.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();

        private void Check(string what, bool passed, string detail = "")
        {
            var check = new CheckEvent(Name, what, passed, detail);
            _checks.Add(check);
            ctx.Output.Emit(check);
        }

        private int Report(TimeSpan elapsed)
        {
            ctx.Output.Emit(new TableEvent($"Rebalance lab: {partitionCount} partitions, {strategy}",
                ["Step", "Change", "Members", "Rebalance", "One owner each", "Idle"],
                _steps.Select(s => (IReadOnlyList<object?>)
                [
                    s.Step, s.Change, s.Members, s.Rebalance is TimeSpan t ? $"{t.TotalSeconds:0.0} s" : "not settled", s.OneOwner ? "yes" : "NO", s.Idle,
                ]).ToList()));
            if (Interlocked.Read(ref _commitFailures) > 0)
                ctx.Info($"{_commitFailures} commit(s) were refused while the group rebalanced (the members' next owner reads those records again).");
            int failed = _checks.Count(c => !c.Passed);
            bool complete = _steps.Count == memberCount * 2;
            ctx.Output.Emit(new SummaryEvent("lab",
            [
                new("lab", Name), new("strategy", strategy), new("consumers", memberCount), new("partitions", partitionCount),
                new("processes", asProcesses), new("steps", _steps.Count), new("checks", _checks.Count), new("failed", failed),
                new("commit_failures", Interlocked.Read(ref _commitFailures)),
                new("elapsed_s", Math.Round(elapsed.TotalSeconds, 1)),
                new("broker", broker.Embedded is null ? "configured" : "embedded"),
            ]));
            bool ok = complete && failed == 0;
            ctx.Info(ok ? "Every check held." : "Some checks failed: see the steps marked ✘ above.");
            return ok ? ExitCodes.Success : ExitCodes.Failed;
        }

        /// <summary>Records each member's assignment events; shows assignment changes, hides per-record lines in text mode.</summary>
        private sealed class MemberSink(Run run, IEventSink inner, bool text) : IEventSink
        {
            public void Emit(DemoEvent e)
            {
                if (e is ConsumerEvent { Member: { } member } ce) run._board.Record(member, ce);
                if (e is CommitFailedEvent) Interlocked.Increment(ref run._commitFailures);
                if (text && e is ConsumedEvent or CommittedEvent or CommitFailedEvent) return;
                inner.Emit(e);
            }

            public void Flush() => inner.Flush();
        }
    }
}
