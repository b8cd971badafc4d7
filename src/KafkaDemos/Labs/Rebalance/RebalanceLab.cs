using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.Admin;
using KafkaDemos.Producers;
using KafkaDemos.Web;

namespace KafkaDemos.Labs.Rebalance;

/// <summary>
/// `demo lab rebalance`: the course's slides "one, two, four, five consumers on a four-partition
/// topic", live. Consumers join one group one at a time, then stop one by one; after each change
/// the lab waits for the group to settle (by the members' own assigned and revoked events, with a
/// deadline), prints who owns what, checks that every partition has exactly one owner and that a
/// member beyond the partition count is idle, and says how long the rebalance took.
/// </summary>
public static partial class RebalanceLab
{
    public const string Name = "rebalance";

    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan WatchTimeout = TimeSpan.FromSeconds(15);

    private const string Both = "both";

    /// <summary>
    /// One pass of the steps under one protocol; <paramref name="classicStrategy"/> is the client-side
    /// assignor of the classic protocol, null under the consumer protocol (the broker assigns).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The watch is disposed in the pass that starts it.")]
    /// With a <paramref name="page"/>, a `demo groups watch` child shows the pass's group there, live.
    private sealed partial class Pass(DemoContext ctx, LabBroker broker, int memberCount, int partitionCount, string? classicStrategy, bool asProcesses, WebView? page)
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
        private string? _statusTopic;
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
            if (asProcesses || page is not null)
            {
                // The members report their assignments (as `demo consume` does), so `demo groups watch` can show the
                // group; the lab runs one (its events also go to the page) and checks at every step that it shows
                // what the members printed, which also holds each step until the page has shown it.
                ctx.Info($"Watch it live in another terminal: demo groups watch {_group} -b {broker.BootstrapServers}");
                // In-process members report as `demo consume` would: only where the broker cannot describe the group.
                if (!asProcesses)
                    _statusTopic = (await StatusReportChoice.DecideAsync(StatusReportRequest.Auto, MemberStatusReport.DefaultTopic,
                        broker.AdminConfig(config), _group, ctx.Cancellation)).Topic;
                _watch = new LabGroupWatch(["groups", "watch", _group, "--topic", _topic, "-b", broker.BootstrapServers, "-o", "json", .. PassedThrough()], page);
            }

            // A slow producer, so the members have records to read while partitions move.
            using var feeding = CancellationTokenSource.CreateLinkedTokenSource(ctx.Cancellation);
            var producerSink = ctx.Output.Showing(Shown.Problems);
            var feed = ProducerDemos.Modes["async"](broker.ProducerConfig(config),
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
            if (!asProcesses) return new InProcessMember(name, _consumerConfig, _topic, sink, _statusTopic);
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

        private static List<int> Sorted(IEnumerable<TopicPartition> partitions) => partitions.Select(p => p.Partition.Value).Order().ToList();

        private void Check(string what, bool passed, string detail = "")
        {
            var check = new CheckEvent(Name, what, passed, detail);
            _checks.Add(check);
            ctx.Output.Emit(check);
        }
    }
}
