using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
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
        using var first = SinkChild.Start(args);
        await first.WaitUntilAsync(() => first.Assigned, StepTimeout, "the first sink got its partitions");
        var producing = ProducerDemos.Modes["json"](broker.ProducerConfig(config),
            new ProduceOptions { Topic = topic, Count = settings.Count, Interval = ProduceInterval },
            Reporter.Silent(new EventObserver(e =>
            {
                if (e is ErrorEvent or WarningEvent) lock (events) events.Add(e);
            })), ctx.Cancellation);
        await first.WaitUntilAsync(() => first.Rows >= killAfter && (mode != AutoCommitSink.Name || first.RowSinceRecentCommit(CommitWindow) || first.Rows >= settings.Count),
            StepTimeout, $"the first sink wrote {killAfter} rows");
        bool killedMidRun = first.Kill();
        long rowsAtKill = TableCount.Read(file, topic, settings.Count).Rows;
        events.Add(new InfoEvent($"  [{mode} run {run}] sink 1 (pid {first.ProcessId}) killed with SIGKILL; the table had {rowsAtKill} rows"));
        checks.Add(new CheckEvent(Name, $"{mode} run {run}: the first sink was killed mid-run", killedMidRun && rowsAtKill < settings.Count,
            $"SIGKILL after {rowsAtKill} of {settings.Count} rows"));

        var produced = await producing;
        if (!produced.Succeeded) throw new DemoException($"--commit {mode} run {run}: only {produced.Delivered} of {settings.Count} records were delivered", ExitCodes.Failed);

        // The second sink: same group, same table, reads to the end of every partition.
        using var second = SinkChild.Start([.. args, "--exit-at-end"]);
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

    /// <summary>A `demo sink -o json` child process, watched through its JSON lines.</summary>
    private sealed class SinkChild : IDisposable
    {
        private readonly Process _process;
        private readonly Lock _lock = new();
        private readonly SemaphoreSlim _changed = new(0);
        private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan? _lastCommit;
        private bool _rowSinceCommit;
        private TimeSpan _rowAt;
        private string _lastError = "";

        private SinkChild(Process process) => _process = process;

        public static SinkChild Start(IEnumerable<string> args)
        {
            var process = new Process { StartInfo = DemoExecutable.StartInfo(args), EnableRaisingEvents = true };
            var child = new SinkChild(process);
            process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
            process.ErrorDataReceived += (_, _) => { };
            process.Exited += (_, _) =>
            {
                child._exited.TrySetResult();
                child._changed.Release();
            };
            process.Start();
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return child;
        }

        public int ProcessId => _process.Id;

        public bool Assigned { get; private set; }

        public int Rows { get; private set; }

        public string LastError
        {
            get { lock (_lock) return _lastError.Length == 0 ? "" : $"; {_lastError}"; }
        }

        /// <summary>The last row came after the last background commit, and within <paramref name="window"/> of it.</summary>
        public bool RowSinceRecentCommit(TimeSpan window)
        {
            lock (_lock) return _lastCommit is TimeSpan commit && _rowSinceCommit && _rowAt - commit < window;
        }

        private void OnLine(string? line)
        {
            if (line is null || !line.StartsWith('{')) return;
            try
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                lock (_lock)
                {
                    switch (root.GetProperty("event").GetString())
                    {
                        case "assigned" when root.GetProperty("partitions").GetArrayLength() > 0:
                            Assigned = true;
                            break;
                        case "row_added":
                            Rows++;
                            _rowAt = _clock.Elapsed;
                            _rowSinceCommit = _lastCommit is not null;
                            break;
                        case "committed":
                            _lastCommit = _clock.Elapsed;
                            _rowSinceCommit = false;
                            break;
                        case "error":
                            _lastError = root.GetProperty("message").GetString() ?? "";
                            break;
                    }
                }
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return;
            }
            _changed.Release();
        }

        /// <summary>Waits until <paramref name="condition"/> holds, re-checked on every line the child prints.</summary>
        public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                lock (_lock)
                    if (condition()) return;
                if (_exited.Task.IsCompleted) throw new DemoException($"waiting until {what}: the sink exited with {_process.ExitCode}{LastError}", ExitCodes.Failed);
                var left = timeout - deadline.Elapsed;
                if (left <= TimeSpan.Zero || !await _changed.WaitAsync(left))
                    throw new DemoException($"waiting until {what}: not within {timeout.TotalSeconds:0} s", ExitCodes.Failed);
            }
        }

        /// <summary>SIGKILL: the process ends at once, no commit, no Close(). False if it had already ended on its own.</summary>
        public bool Kill()
        {
            bool running = !_process.HasExited;
            if (running) _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(10));
            return running;
        }

        public async Task<int?> WaitForExitAsync(TimeSpan timeout)
        {
            if (await Task.WhenAny(_exited.Task, Task.Delay(timeout)) != _exited.Task) return null;
            // Its last lines may still be in the pipe.
            await _process.WaitForExitAsync();
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.Dispose();
            _changed.Dispose();
        }
    }
}
