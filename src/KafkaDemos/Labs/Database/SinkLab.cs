using System.CommandLine;
using System.Diagnostics;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;
using KafkaDemos.Producers;
using KafkaDemos.Sink;

namespace KafkaDemos.Labs.Database;

/// <summary>
/// `demo lab sink`: the course's promise, "if the consumer breaks down, another continues where it
/// left off", tested by crash. For each commit mode of `demo sink`, several runs: a `demo sink` child
/// process writes a stream of {"num": n} into a SQLite file and is killed (SIGKILL: no commit, no
/// Close()) in the middle, a new `demo sink` takes over and reads to the end, and the table itself is
/// read back: rows, distinct numbers, duplicates, missing. `db` must hold every number exactly once on
/// every run; the same check on `auto`, the course's code, must fail.
/// </summary>
public static class SinkLab
{
    public const string Name = "sink";

    private const int Partitions = 4;
    private static readonly TimeSpan ProduceInterval = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// auto is killed within this long after one of its background commits, with a row inserted since:
    /// the next tick (every 1000 ms) is then still ahead, so the kill lands where the course's code
    /// has rows the group has not committed, as any crash between two ticks does.
    /// </summary>
    private static readonly TimeSpan CommitWindow = TimeSpan.FromMilliseconds(AutoCommitSink.CommitIntervalMs / 2);

    public static Command Create(Option<bool> embedded)
    {
        var count = new Option<int>("--count", "-n") { Description = "Numbered records ({\"num\": n}) per run", DefaultValueFactory = _ => 300, HelpName = "N" };
        var runs = new Option<int>("--runs") { Description = "Runs per commit mode, each killed at another point", DefaultValueFactory = _ => 3, HelpName = "N" };
        var only = new Option<string[]>("--commit")
        {
            Description = "Run only these commit modes (repeatable): db, auto",
            HelpName = "MODE",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };

        var command = new Command(Name, """
            The course's database consumer crashed and taken over, counted from the database. For each commit
            mode of `demo sink` (db, auto) and each run: a `demo sink` child process writes a numbered stream
            ({"num": n}, one record every 10 ms, on a 4-partition topic) into a SQLite file; it is killed with
            SIGKILL (no commit, no Close()) after the run's share of the rows (run i of N: i/(N+2) of them);
            a new `demo sink` in the same group takes over and reads to the end; then the table is read back:
            rows, distinct numbers, duplicates, missing. db must have every number exactly once on every run;
            the same check on auto (the course's code: auto-commit every second, insert per record) must fail,
            which is why auto is killed shortly after one of its commits, with rows inserted since.
            Uses the configured broker if it answers, otherwise (or with --embedded) the embedded broker.
            Exits 0 only if every check held.

            Examples:
              demo lab sink
              demo lab sink --commit db --runs 5
              demo lab sink --embedded --count 200 -o json
            """)
        {
            count, runs, only, embedded,
        };

        command.SetDemoAction(async ctx =>
        {
            var settings = new Settings(ctx.Get(count), ctx.Get(runs));
            if (settings.Count is < 20 or > 100_000) throw new UsageException($"--count {settings.Count} must be between 20 and 100000");
            if (settings.Runs is < 1 or > 20) throw new UsageException($"--runs {settings.Runs} must be between 1 and 20");
            var modes = (ctx.Get(only) ?? []).Distinct().ToList();
            var unknown = modes.Except(SinkCommand.Modes.Keys).ToList();
            if (unknown.Count > 0) throw new UsageException($"--commit '{unknown[0]}' is not one of {string.Join(", ", SinkCommand.Modes.Keys)}");
            if (modes.Count == 0) modes = [.. SinkCommand.Modes.Keys];

            var config = ctx.LoadConfiguration();
            var clock = Stopwatch.StartNew();
            await using var broker = await LabBroker.AcquireAsync(config, ctx.Get(embedded), ctx.Output);
            var directory = Directory.CreateTempSubdirectory("demo-lab-sink-");
            try
            {
                ctx.Info($"The lab runs on {broker.Description}.");
                ctx.Info($"Each run: {settings.Count} records {{\"num\": n}}, one every {ProduceInterval.TotalMilliseconds:0} ms, on a {Partitions}-partition topic, " +
                         $"into a SQLite file in {directory.FullName}; the modes run side by side.");
                if (broker.Embedded is not null) ctx.Info($"Group timing: {LabGroupTiming.Note}; a killed sink is noticed after 3 s.");

                var outcomes = new List<Outcome>();
                int step = 0;
                for (int run = 1; run <= settings.Runs; run++)
                {
                    int r = run;
                    var results = await Task.WhenAll(modes.Select(m => Task.Run(() => RunOnceAsync(ctx, config, broker, directory.FullName, m, r, settings))));
                    foreach (var outcome in results)
                    {
                        ctx.Output.Emit(new LabStepEvent(Name, ++step, $"--commit {outcome.Mode}, run {outcome.Run}: kill after {outcome.KillAfter} rows or more"));
                        foreach (var e in outcome.Events) ctx.Output.Emit(e);
                        foreach (var check in outcome.Checks) ctx.Output.Emit(check);
                        ctx.Output.Emit(outcome.ToEvent());
                        outcomes.Add(outcome);
                    }
                }
                return Report(ctx, outcomes, settings, clock.Elapsed, broker);
            }
            finally
            {
                directory.Delete(recursive: true);
            }
        });
        return command;
    }

    private sealed record Settings(int Count, int Runs);

    private sealed record Outcome(string Mode, int Run, int KillAfter, long RowsAtKill, TableCount Table, IReadOnlyList<DemoEvent> Events, IReadOnlyList<CheckEvent> Checks)
    {
        public bool Passed => Checks.All(c => c.Passed);

        public LabRowEvent ToEvent() => new(Name,
        [
            new("commit", Mode), new("run", Run), new("kill_after", KillAfter), new("rows_at_kill", RowsAtKill),
            new("rows", Table.Rows), new("distinct", Table.Distinct), new("duplicates", Table.Duplicates), new("missing", Table.Missing),
            new("passed", Passed),
        ]);
    }

    private static async Task<Outcome> RunOnceAsync(DemoContext ctx, DemoConfiguration config, LabBroker broker, string directory, string mode, int run, Settings settings)
    {
        var events = new List<DemoEvent>();
        var checks = new List<CheckEvent>();
        string topic = (await broker.CreateTopicAllowingDefaultAsync(config, $"lab.sink.{mode}", Partitions)).Name;
        string file = Path.Combine(directory, $"{mode}-{run}.db");
        string group = $"lab-sink-{mode}-{Guid.NewGuid().ToString("N")[..8]}";
        int killAfter = settings.Count * run / (settings.Runs + 2);
        List<string> args = ["sink", "--commit", mode, "--to", $"sqlite:{file}", "--topic", topic, "--group", group, "-o", "json", "-b", broker.BootstrapServers];
        if (broker.Embedded is not null)
            foreach (string property in LabGroupTiming.Properties) args.AddRange(["-X", property]);

        // The first sink: once it owns the partitions the stream starts, and it is killed mid-run.
        await using var first = SinkChild.Start(args);
        await first.WaitUntilAsync(() => first.Assigned, StepTimeout, "the first sink got its partitions");
        var producing = ProducerDemos.Modes["json"](broker.ProducerConfig(config),
            new ProduceOptions { Topic = topic, Count = settings.Count, Interval = ProduceInterval },
            Reporter.Silent(new EventObserver(e =>
            {
                if (e is ErrorEvent or WarningEvent) lock (events) events.Add(e);
            })), ctx.Cancellation);
        await first.WaitUntilAsync(() => first.Rows >= killAfter && (mode != AutoCommitSink.Name || first.RowSinceRecentCommit(CommitWindow) || first.Rows >= settings.Count),
            StepTimeout, $"the first sink wrote {killAfter} rows");
        bool killedMidRun = await first.KillAsync();
        long rowsAtKill = TableCount.Read(file, topic, settings.Count).Rows;
        events.Add(new InfoEvent($"  [{mode} run {run}] sink 1 (pid {first.ProcessId}) killed with SIGKILL; the table had {rowsAtKill} rows"));
        checks.Add(new CheckEvent(Name, $"{mode} run {run}: the first sink was killed mid-run", killedMidRun && rowsAtKill < settings.Count,
            $"SIGKILL after {rowsAtKill} of {settings.Count} rows"));

        var produced = await producing;
        if (!produced.Succeeded) throw new DemoException($"--commit {mode} run {run}: only {produced.Delivered} of {settings.Count} records were delivered", ExitCodes.Failed);

        // The second sink: same group, same table, reads to the end of every partition.
        await using var second = SinkChild.Start([.. args, "--exit-at-end"]);
        int? exit = await second.WaitForExitAsync(StepTimeout);
        checks.Add(new CheckEvent(Name, $"{mode} run {run}: a new sink took over and read to the end", exit == ExitCodes.Success,
            exit is int code ? $"exit {code}, {second.Rows} rows written{second.LastError}" : $"still running after {StepTimeout.TotalSeconds:0} s"));

        // The course's question, asked of the table itself.
        var table = TableCount.Read(file, topic, settings.Count);
        string counts = $"{table.Rows} rows, {table.Distinct} distinct, {table.Duplicates} duplicates, {table.Missing} missing of {settings.Count}";
        checks.Add(mode == DbCommitSink.Name
            ? new CheckEvent(Name, $"{mode} run {run}: every number exactly once (rows = distinct = produced)", table.ExactlyOnce(settings.Count), counts)
            : new CheckEvent(Name, $"{mode} run {run}: the same check fails for the course's code", !table.ExactlyOnce(settings.Count), counts));
        return new Outcome(mode, run, killAfter, rowsAtKill, table, events, checks);
    }

    private static int Report(DemoContext ctx, IReadOnlyList<Outcome> outcomes, Settings settings, TimeSpan elapsed, LabBroker broker)
    {
        ctx.Output.Emit(new TableEvent($"Sink lab: {settings.Count} records, the sink killed mid-run, a new one takes over",
            ["Commit", "Run", "Rows at kill", "Rows", "Distinct", "Duplicates", "Missing", "Exactly once", "Checks"],
            outcomes.Select(o => (IReadOnlyList<object?>)
            [
                o.Mode, o.Run, o.RowsAtKill, o.Table.Rows, o.Table.Distinct, o.Table.Duplicates, o.Table.Missing,
                o.Table.ExactlyOnce(settings.Count) ? "yes" : "no", o.Passed ? "held" : "FAILED",
            ]).ToList()));
        ctx.Info("• db: each row and the position after it are one SQLite transaction, and a new owner starts at the stored position: " +
                 "a kill loses the transaction in flight, row and position together, and nothing else.");
        ctx.Info("• auto: the course's code. The group's offset moves on a timer, apart from the inserts: every row inserted since the last " +
                 "tick is inserted again by the next sink (duplicates); a record whose offset was committed before its insert finished is never inserted (missing).");
        bool ok = outcomes.All(o => o.Passed);
        ctx.Output.Emit(new SummaryEvent("lab",
        [
            new("lab", Name), new("runs", outcomes.Count), new("passed", outcomes.Count(o => o.Passed)),
            new("failed", outcomes.Count(o => !o.Passed)), new("elapsed_s", Math.Round(elapsed.TotalSeconds, 1)),
            new("broker", broker.Embedded is null ? "configured" : "embedded"),
        ]));
        ctx.Info(ok ? "Every check held." : "Some checks failed: see the lines marked ✘ above.");
        return ok ? ExitCodes.Success : ExitCodes.Failed;
    }
}
