using System.CommandLine;
using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Admin;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.Producers;

namespace KafkaDemos.Labs.Commits;

/// <summary>
/// `demo lab commits`: each commit strategy of the course, crashed mid-batch. A member processes a
/// numbered stream and is killed (no commit, no Close(): the in-process kill -9); a new member of the
/// same group reads on from the group's committed offset to the end. What each member really
/// processed (its processed events: after the work), checked against a replay of the topic and the committed
/// offsets, says which records were processed twice and which never.
/// </summary>
public static class CommitsLab
{
    public const string Name = "commits";

    private static readonly TimeSpan MemberTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The course's explanation of each strategy's result, and the guarantee it gives.</summary>
    private static readonly Dictionary<string, (string Guarantee, string Why)> Course = new()
    {
        [AutoCommitConsumer.Name] = ("at-least-once; at-most-once for a record in flight at a tick",
            "auto: the background commit every auto.commit.interval.ms commits the offsets consume() returned, so everything read since " +
            "the last tick is processed again after a crash (duplicates). It does not know which records were processed: an offset is " +
            "stored when the record is returned, so a record still being processed at a tick is committed anyway and never processed " +
            "again if the crash comes first (possible loss)."),
        [SyncCommitConsumer.Name] = ("at-least-once",
            "sync: commit() after each batch and wait for the answer: at most the current batch is processed again."),
        [AsyncCommitConsumer.Name] = ("at-least-once",
            "async: offsets stored after processing and committed in the background: the records since the last background commit " +
            "come again, and nothing unprocessed is ever committed."),
        [SpecifiedOffsetConsumer.Name] = ("at-least-once",
            "specified: commit(offsets) of the last processed record every --commit-every records, mid-batch: at most that many come again."),
        [RebalanceCommitConsumer.Name] = ("at-least-once",
            "rebalance: commits only when partitions are revoked; a crash revokes nothing, so everything since the partitions last " +
            "moved comes again."),
    };

    public static Command Create(Option<bool> embedded)
    {
        var count = new Option<int>("--count", "-n") { Description = "Numbered messages per strategy", DefaultValueFactory = _ => 100, HelpName = "N" };
        var crashAfter = new Option<int>("--crash-after") { Description = "The first member crashes while processing its record number N+1", DefaultValueFactory = _ => 37, HelpName = "N" };
        var processDelay = DurationOption.Create("--process-delay", "Simulated work per record (e.g. 50ms)", TimeSpan.FromMilliseconds(50));
        var commitEvery = new Option<int>("--commit-every") { Description = "Records per commit for sync and specified", DefaultValueFactory = _ => ConsumeOptions.DefaultCommitEvery, HelpName = "N" };
        var only = new Option<string[]>("--strategy")
        {
            Description = "Run only these strategies (repeatable): auto, sync, async, specified, rebalance",
            HelpName = "NAME",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };

        var command = new Command(Name, """
            Each commit strategy of the course (auto, sync, async, specified, rebalance), crashed mid-batch. For
            each one, side by side on its own topic and group: a numbered stream is produced; a member consumes
            it with a little simulated work per record and crashes while processing a record (no commit, no
            Close(): the in-process kill -9); a new member of the same group starts, waits until the group gives
            up on the crashed one (session.timeout.ms), and reads from the committed offset to the end. What each
            member processed (its processed events: after the work), checked against a replay of the topic and the group's committed
            offsets, gives the records processed twice and the records never processed. A table at the end, with
            the course's explanation of each result (at-least-once, at-most-once).
            auto and async commit in the background every auto.commit.interval.ms: the lab uses 1000 (the course
            5000) so that one commit happens before the crash.
            Uses the configured broker if it answers, otherwise (or with --embedded) the embedded broker.
            Exits 0 only if every strategy's counts match the replay.

            Examples:
              demo lab commits
              demo lab commits --strategy auto --strategy sync --crash-after 23
              demo lab commits --embedded --count 60 -o json
            """)
        {
            count, crashAfter, processDelay, commitEvery, only, embedded,
        };

        command.SetDemoAction(async ctx =>
        {
            var settings = new Settings(ctx.Get(count), ctx.Get(crashAfter), ctx.Get(processDelay), ctx.Get(commitEvery));
            if (settings.Count is < 2 or > 100_000) throw new UsageException($"--count {settings.Count} must be between 2 and 100000");
            if (settings.CrashAfter < 0 || settings.CrashAfter >= settings.Count - 1)
                throw new UsageException($"--crash-after {settings.CrashAfter} must be between 0 and --count - 2 ({settings.Count - 2}), so records remain for the next member");
            if (settings.CommitEvery < 1) throw new UsageException($"--commit-every {settings.CommitEvery} must be at least 1");
            var strategies = (ctx.Get(only) ?? []).Distinct().ToList();
            var unknown = strategies.Except(ConsumeCommand.Strategies.Keys).ToList();
            if (unknown.Count > 0) throw new UsageException($"--strategy '{unknown[0]}' is not one of {string.Join(", ", ConsumeCommand.Strategies.Keys)}");
            if (strategies.Count == 0) strategies = [.. ConsumeCommand.Strategies.Keys];

            var config = ctx.LoadConfiguration();
            var clock = Stopwatch.StartNew();
            await using var broker = await LabBroker.AcquireAsync(config, ctx.Get(embedded), ctx.Output);
            await broker.RequireTopicCreationAsync(config, 1);
            ctx.Info($"The lab runs on {broker.Description}.");
            ctx.Info($"Each strategy: {settings.Count} records (msg_0 ...) on a one-partition topic; the first member crashes while processing " +
                     $"record {settings.CrashAfter} ({settings.ProcessDelay.TotalMilliseconds:0} ms of work per record); auto.commit.interval.ms=1000.");
            if (broker.Embedded is not null) ctx.Info($"Group timing: {LabGroupTiming.Note}; a crashed member is noticed after 3 s.");
            ctx.Info($"Running {string.Join(", ", strategies)} side by side, each on its own topic and group ...");

            // Side by side: each strategy waits mostly for the group to give up on its crashed member.
            var outcomes = await Task.WhenAll(strategies.Select(s => Task.Run(() => RunStrategyAsync(ctx, config, broker, s, settings))));

            int step = 0;
            foreach (var outcome in outcomes)
            {
                ctx.Output.Emit(new LabStepEvent(Name, ++step, $"--commit {outcome.Strategy}"));
                bool text = ctx.Format == OutputFormat.Text;
                var live = ctx.Output.Showing(Shown.All, text ? 8 : int.MaxValue);
                // In text mode the new member's commits are left out: its reading to the end is the point.
                foreach (var e in outcome.Events.Where(e => !(text && e is CommittedEvent { Member: "consumer-2" })))
                    live.Emit(e);
                live.CloseExcerpt();
                foreach (var check in outcome.Checks) ctx.Output.Emit(check);
                ctx.Output.Emit(outcome.ToEvent());
            }
            return Report(ctx, outcomes, clock.Elapsed, broker);
        });
        return command;
    }

    private sealed record Settings(int Count, int CrashAfter, TimeSpan ProcessDelay, int CommitEvery);

    private sealed record Outcome(
        string Strategy,
        long ProcessedByFirst,
        long? CommittedAtCrash,
        long ProcessedBySecond,
        long Reprocessed,
        long Lost,
        long ExpectedReprocessed,
        long ExpectedLost,
        IReadOnlyList<DemoEvent> Events,
        IReadOnlyList<CheckEvent> Checks)
    {
        public bool Passed => Checks.All(c => c.Passed);

        public LabRowEvent ToEvent() => new(Name,
        [
            new("strategy", Strategy), new("processed_by_first", ProcessedByFirst), new("committed_at_crash", CommittedAtCrash),
            new("processed_by_second", ProcessedBySecond), new("reprocessed", Reprocessed), new("lost", Lost),
            new("expected_reprocessed", ExpectedReprocessed), new("expected_lost", ExpectedLost), new("matches_replay", Passed),
            new("guarantee", Course[Strategy].Guarantee), new("why", Course[Strategy].Why),
        ]);
    }

    private static async Task<Outcome> RunStrategyAsync(DemoContext ctx, DemoConfiguration config, LabBroker broker, string strategy, Settings settings)
    {
        var events = new Core.EventLog();
        var checks = new List<CheckEvent>();
        string topic = await broker.CreateTopicAsync(config, $"lab.commits.{strategy}", 1);
        string group = $"lab-commits-{strategy}-{Guid.NewGuid().ToString("N")[..8]}";

        // The numbered stream, delivered before anyone reads.
        var produced = await ProducerDemos.Modes["async"](broker.ProducerConfig(config),
            new ProduceOptions { Topic = topic, Count = settings.Count }, Reporter.Silent(new EventObserver(e =>
            {
                if (e is ErrorEvent or WarningEvent) events.OnNext(e);
            })), ctx.Cancellation);
        if (!produced.Succeeded) throw new DemoException($"--commit {strategy}: only {produced.Delivered} of {settings.Count} records were delivered", ExitCodes.Failed);

        var consumerConfig = LabGroupTiming.Apply(new ConsumerConfig(broker.ConsumerConfig(config))
        {
            GroupId = group,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            AutoCommitIntervalMs = 1000,
        }, broker);

        // First member: crashes while processing record number CrashAfter (its CrashAfter+1-th record).
        var first = new MemberRecords("consumer-1", workApart: settings.ProcessDelay > TimeSpan.Zero);
        using var crash = new CancellationTokenSource();
        first.OnConsumed = n =>
        {
            if (n == settings.CrashAfter + 1) crash.Cancel();
        };
        using var firstDeadline = CancellationTokenSource.CreateLinkedTokenSource(ctx.Cancellation);
        firstDeadline.CancelAfter(MemberTimeout);
        var firstOutcome = await ConsumeCommand.Strategies[strategy](consumerConfig,
            new ConsumeOptions { Topics = [topic], Member = first.Name, ProcessDelay = settings.ProcessDelay, CommitEvery = settings.CommitEvery, Crash = crash.Token },
            Reporter.Silent(events, first), firstDeadline.Token);
        checks.Add(new CheckEvent(Name, $"{strategy}: the first member crashed mid-batch", firstOutcome.Crashed, $"after {first.Records.Count} records"));

        // What the group had committed when the member died: where the next member must start.
        var partition = new TopicPartition(topic, 0);
        var committed = GroupOffsets.Read(broker.ConsumerConfig(config), group, [partition], Reporter.Silent(events)).Single().Committed;

        // Second member: same group, reads to the end once the group has given up on the first.
        var second = new MemberRecords("consumer-2", workApart: false);
        using var secondDeadline = CancellationTokenSource.CreateLinkedTokenSource(ctx.Cancellation);
        secondDeadline.CancelAfter(MemberTimeout);
        var secondOutcome = await ConsumeCommand.Strategies[strategy](consumerConfig,
            new ConsumeOptions { Topics = [topic], Member = second.Name, ExitAtEnd = true, CommitEvery = settings.CommitEvery },
            Reporter.Silent(events, second), secondDeadline.Token);
        bool reachedEnd = !secondDeadline.IsCancellationRequested;
        checks.Add(new CheckEvent(Name, $"{strategy}: the new member read to the end", reachedEnd,
            reachedEnd ? $"{second.Records.Count} records in {secondOutcome.Elapsed.TotalSeconds:0.0} s" : $"stopped after {MemberTimeout.TotalSeconds:0} s"));

        // The replay: what the log holds. Counted from the members' consumed events ...
        var replay = await Task.Run(() => ReadBack.All(broker.ConsumerConfig(config), topic, ReadTimeout), ctx.Cancellation);
        var firstSet = first.Records.ToHashSet();
        var secondSet = second.Records.ToHashSet();
        long reprocessed = firstSet.Intersect(secondSet).LongCount();
        long lost = replay.LongCount(r => !firstSet.Contains(r.Offset) && !secondSet.Contains(r.Offset));

        // ... and predicted from the committed offset: the new member starts exactly there.
        long start = committed ?? replay.Select(r => r.Offset).DefaultIfEmpty(0).Min();
        long expectedReprocessed = firstSet.LongCount(o => o >= start);
        long expectedLost = replay.LongCount(r => r.Offset < start && !firstSet.Contains(r.Offset));
        var expectedSecond = replay.Where(r => r.Offset >= start).Select(r => r.Offset).ToHashSet();
        checks.Add(new CheckEvent(Name, $"{strategy}: the new member started at the committed offset and read the rest once",
            secondSet.SetEquals(expectedSecond) && second.Records.Count == secondSet.Count,
            $"committed {(committed is long c ? c.ToString() : "nothing")}, read offsets {Range(secondSet)}"));
        checks.Add(new CheckEvent(Name, $"{strategy}: reprocessed and lost match the replay and the committed offset",
            reprocessed == expectedReprocessed && lost == expectedLost,
            $"reprocessed {reprocessed} (expected {expectedReprocessed}), lost {lost} (expected {expectedLost})"));

        return new Outcome(strategy, first.Records.Count, committed, second.Records.Count, reprocessed, lost,
            expectedReprocessed, expectedLost, events.Events, checks);
    }

    private static string Range(IReadOnlyCollection<long> offsets) => offsets.Count == 0 ? "none" : $"{offsets.Min()}..{offsets.Max()}";

    private static int Report(DemoContext ctx, IReadOnlyList<Outcome> outcomes, TimeSpan elapsed, LabBroker broker)
    {
        ctx.Output.Emit(new TableEvent("Commits lab: a crash mid-batch, then a new member",
            ["Strategy", "Processed by first", "Committed at crash", "Reprocessed", "Lost", "Matches replay", "Guarantee"],
            outcomes.Select(o => (IReadOnlyList<object?>)
            [
                o.Strategy, o.ProcessedByFirst, o.CommittedAtCrash is long c ? c.ToString() : "nothing", o.Reprocessed, o.Lost,
                o.Passed ? "yes" : "NO", Course[o.Strategy].Guarantee,
            ]).ToList()));
        foreach (var o in outcomes) ctx.Info("• " + Course[o.Strategy].Why);
        ctx.Info("Processed twice means at-least-once: nothing is lost, some records come again. Committing before processing would be " +
                 "at-most-once: nothing comes again, but a crash loses what was committed and not yet processed. The background " +
                 "commits (auto, async) tick on a timer, so their counts vary from run to run; the others do not.");
        bool ok = outcomes.All(o => o.Passed);
        ctx.Output.Emit(new SummaryEvent("lab",
        [
            new("lab", Name), new("strategies", outcomes.Count), new("passed", outcomes.Count(o => o.Passed)),
            new("failed", outcomes.Count(o => !o.Passed)), new("elapsed_s", Math.Round(elapsed.TotalSeconds, 1)),
            new("broker", broker.Embedded is null ? "configured" : "embedded"),
        ]));
        ctx.Info(ok ? "Every strategy's counts match the replay." : "Some counts do not match the replay: see the checks marked ✘ above.");
        return ok ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>
    /// One member's view: the offsets it processed, in order. With work per record (--process-delay) a
    /// record counts once its work is done (its processed event), not when its line is printed.
    /// </summary>
    private sealed class MemberRecords(string name, bool workApart) : IObserver<DemoEvent>
    {
        private readonly Lock _lock = new();
        private readonly List<long> _records = [];
        private int _consumed;

        public string Name { get; } = name;

        /// <summary>Called with the number of records consumed so far, as each one's work starts.</summary>
        public Action<int>? OnConsumed { get; set; }

        public IReadOnlyList<long> Records
        {
            get { lock (_lock) return _records.ToList(); }
        }

        public void OnNext(DemoEvent value)
        {
            if (value is ProcessedEvent processed && workApart)
            {
                lock (_lock) _records.Add(processed.Offset);
                return;
            }
            if (value is not ConsumedEvent consumed) return;
            int n;
            lock (_lock)
            {
                if (!workApart) _records.Add(consumed.Offset);
                n = ++_consumed;
            }
            OnConsumed?.Invoke(n);
        }

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
