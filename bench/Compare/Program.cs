// Compares `demo bench` with its peers in one session against one broker, and prints medians and
// ratios as a markdown table for the README. The peers:
//   kcat                      librdkafka's C command-line client (-P, -C)
//   Python confluent-kafka    Confluent's Python client, when Debian's python3-confluent-kafka is
//                             importable by /usr/bin/python3: bench/peers/confluent_python.py, the
//                             course's async and fire-and-forget loops
//   bare Confluent.Kafka      bench/BareClient: the shortest correct .NET loop of each kind, nothing
//                             of the project around it; the reference the demos must match
// kcat and Python are yardsticks, not dependencies: a missing one is skipped with a note.
//
// The machine may be shared and noisy, so every contender runs --rounds times, interleaved
// round-robin (every contender once, then again), so that a slow spell hits all of them rather
// than one; the table shows medians, min and max, and ratios of medians.
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using KafkaDemos.Compare;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var parsed = ParsedArguments.Parse(args);
if (parsed.Help)
{
    Console.WriteLine(ComparisonOptions.Usage(new ComparisonOptions()));
    return 0;
}
if (parsed.Error is not null) return Session.UsageError(parsed.Error);

using var stop = new CancellationTokenSource();
int signalExit = 0;
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; signalExit = 130; stop.Cancel(); });
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; signalExit = 143; stop.Cancel(); });

var session = new Session(parsed.Options!, stop.Token);
try
{
    return await session.RunAsync();
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine($"{ComparisonOptions.Name}: interrupted; the broker is stopped");
    return signalExit;
}
catch (SessionFailure e)
{
    Console.Error.WriteLine($"{ComparisonOptions.Name}: {e.Message}");
    return e.ExitCode;
}
catch (Exception e)
{
    Console.Error.WriteLine($"{ComparisonOptions.Name}: {e.Message}");
    return 1;
}
finally
{
    await session.DisposeAsync();
}

/// <summary>An error that ends the session: 1 for a build, broker or fill failure, 2 for usage.</summary>
internal sealed class SessionFailure(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

internal sealed class Session(ComparisonOptions o, CancellationToken stop) : IAsyncDisposable
{
    // Topics the produce runs write to get this many partitions. `demo bench produce` against a
    // `demo broker` in another process cannot create topics (the embedded broker has no
    // CreateTopics), so its fresh topic is auto-created with the broker's default of 4; kcat's
    // topics get the same, because the partition count changes producer throughput a lot.
    private const int ProducePartitions = 4;
    // Each embedded-broker partition keeps only its most recent ~5 MiB: the consume source topic
    // gets enough partitions for every record to stay readable (the rule `demo bench consume` uses:
    // value + 30 bytes per record, 4 MiB per partition), and at least 32.
    private const long BytesPerPartition = 4L * 1024 * 1024;
    private const string ConsumeTopic = "vs.consume";
    // The embedded broker starts in a few seconds on a quiet machine; allow for a loaded one.
    private static readonly TimeSpan BrokerStartTimeout = TimeSpan.FromSeconds(30);
    private const int HelpRunsPerRound = 3;

    // Both clients get the same producer settings (the project's appsettings.json values, passed
    // explicitly so no config file or environment changes them).
    private static readonly string[] ProducerSettings = ["-X", "linger.ms=5", "-X", "acks=all", "-X", "queue.buffering.max.messages=20000"];
    // kcat's fetch settings: prefetch up to a million records per partition (more than a partition
    // holds here, so its fetches never pause) and answer within 10 ms when a partition has nothing
    // new. `demo bench consume` gets the same effect from its defaults (a 20,000-record queue with
    // fetch.queue.backoff.ms=10, which kcat's bundled librdkafka 2.0 does not have).
    private static readonly string[] KcatConsumerSettings = ["-X", "queued.min.messages=1000000", "-X", "fetch.wait.max.ms=10"];
    private static readonly string[] BareConsumerSettings =
        ["-X", "queued.min.messages=20000", "-X", "fetch.queue.backoff.ms=10", "-X", "fetch.wait.max.ms=10", "-X", "dotnet.consumer.consume.result.fields=none"];

    private readonly List<RunResult> _results = [];
    private readonly List<double> _helpMs = [];
    private readonly List<string> _failures = [];
    private readonly List<string> _notes = [];
    private string _root = "", _work = "", _demoDll = "", _bareDll = "", _bootstrap = "";
    private string? _kcat;
    private bool _python;
    private ChildProcess? _broker;
    private string[] _brokerCmd = [];
    private int _consumePartitions;

    public static int UsageError(string message)
    {
        Console.Error.WriteLine($"{ComparisonOptions.Name}: {message}");
        Console.Error.WriteLine($"Run {ComparisonOptions.Name} --help for the options.");
        return 2;
    }

    public async Task<int> RunAsync()
    {
        _root = FindRoot() ?? throw new SessionFailure("run it inside the KafkaDemos repository (no KafkaDemos.sln above the current directory)", 2);
        if (Which("dotnet") is null) throw new SessionFailure("the .NET SDK (dotnet) is needed to build the demo; see README.md", 2);
        _kcat = Which("kcat");
        if (_kcat is null) Note("kcat skipped: it is not installed (Debian/Ubuntu: sudo apt-get install kcat)");
        _python = File.Exists("/usr/bin/python3") && await Quiet(["/usr/bin/python3", "-c", "import confluent_kafka"]) == 0;
        if (!_python) Note("Python confluent-kafka skipped: /usr/bin/python3 cannot import confluent_kafka (sudo apt-get install python3-confluent-kafka)");

        string loadStart = LoadAverage();
        long records = (long)o.Count * (o.Size + 30);
        _consumePartitions = (int)Math.Max(32, (records + BytesPerPartition - 1) / BytesPerPartition);

        // Before the build, to fail fast: something already listening would also answer the
        // readiness check in the broker's place.
        for (int p = o.Port; p <= o.Port + 2; p++)
            if (PortOpen(p)) throw new SessionFailure($"port {p} is already in use; pick other ports with --port", 2);

        _work = Directory.CreateTempSubdirectory("bench-compare.").FullName;
        await Build();
        if (_kcat is not null) await WriteInput();
        await StartBroker();
        await FillConsumeTopic();

        Console.WriteLine();
        Console.WriteLine($"{o.Count} records of {o.Size} bytes per run, rounds: {o.Rounds}, broker {_bootstrap}");
        for (int r = 1; r <= o.Rounds; r++) await Round(r);

        Console.WriteLine();
        await PrintMachine(loadStart);
        Console.WriteLine();
        PrintCommands();
        Console.WriteLine();
        Console.Write(Report.Table(_results, o.Rounds));
        Console.WriteLine();
        Console.Write(Report.Targets(_results, _helpMs));
        Console.WriteLine();
        PrintNotes();

        if (_failures.Count == 0) return 0;
        Console.Error.WriteLine();
        Console.Error.WriteLine("Failed runs (left out of the table):");
        foreach (string f in _failures) Console.Error.WriteLine("  " + f);
        return 1;
    }

    // ---------------------------------------------------------------------------------------------
    // Setup

    private void Note(string note)
    {
        _notes.Add(note);
        Console.Error.WriteLine($"{ComparisonOptions.Name}: {note}");
    }

    private async Task Build()
    {
        // Own output directories: the launcher's .demo/bin may be rebuilt or in use meanwhile.
        foreach (var (project, dir, dll, what) in new[]
        {
            ("src/KafkaDemos/KafkaDemos.csproj", "bin", "demo.dll", "the demo"),
            ("bench/BareClient/BareClient.csproj", "bare", "bare-client.dll", "bench/BareClient"),
        })
        {
            Console.Error.WriteLine($"Building {what} (Release) ...");
            string log = Path.Combine(_work, $"build-{dir}.log");
            var run = await ChildProcess.RunAsync(
                ["dotnet", "build", Path.Combine(_root, project), "-c", "Release", "-o", Path.Combine(_work, dir), "--nologo"], log, log, stop);
            if (run.ExitCode != 0)
            {
                var errors = File.ReadLines(log).Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct().ToList();
                foreach (string line in errors.Count > 0 ? errors : File.ReadLines(log).TakeLast(30)) Console.Error.WriteLine(line);
                throw new SessionFailure($"the build of {what} failed");
            }
        }
        _demoDll = Path.Combine(_work, "bin", "demo.dll");
        _bareDll = Path.Combine(_work, "bare", "bare-client.dll");
    }

    // One line per record, KEY:VALUE, as kcat -P -K: reads it: key = record number, value = msg_<n>
    // padded with dots (or cut) to --size bytes, the same records `demo bench` produces.
    private async Task WriteInput()
    {
        Console.Error.WriteLine($"Writing {o.Count} input records of {o.Size} bytes ...");
        await using var file = new StreamWriter(Path.Combine(_work, "records.txt"), false, new System.Text.UTF8Encoding(false), 1 << 20);
        file.NewLine = "\n";
        for (long i = 0; i < o.Count; i++)
        {
            string value = "msg_" + i;
            await file.WriteLineAsync($"{i}:{(value.Length >= o.Size ? value[..o.Size] : value.PadRight(o.Size, '.'))}");
            if (i % 100_000 == 0) stop.ThrowIfCancellationRequested();
        }
    }

    private async Task StartBroker()
    {
        var cmd = new List<string> { "dotnet", _demoDll, "broker", "--port", o.Port.ToString(), "--topic", $"{ConsumeTopic}:{_consumePartitions}" };
        for (int r = 1; r <= o.Rounds; r++) cmd.AddRange(["--topic", $"vs.kcat.p{r}:{ProducePartitions}"]);
        _brokerCmd = [.. cmd];
        string log = Path.Combine(_work, "broker.log");
        File.WriteAllText(log, "");
        _broker = ChildProcess.Start(_brokerCmd, log, log);

        // Ready = the banner is out (the declared topics exist; the listeners open before they are
        // created) and a TCP connect succeeds.
        var deadline = DateTime.UtcNow + BrokerStartTimeout;
        while (!(File.ReadAllText(log).Contains("bootstrap servers:", StringComparison.Ordinal) && PortOpen(o.Port)))
        {
            if (_broker.HasExited)
            {
                Console.Error.Write(File.ReadAllText(log));
                throw new SessionFailure("the embedded broker exited before it was ready (its output is above)");
            }
            if (DateTime.UtcNow >= deadline)
            {
                Console.Error.Write(File.ReadAllText(log));
                throw new SessionFailure($"the embedded broker did not accept connections on 127.0.0.1:{o.Port} within {BrokerStartTimeout.TotalSeconds:0} s");
            }
            await Task.Delay(200, stop);
        }
        _bootstrap = $"127.0.0.1:{o.Port},127.0.0.1:{o.Port + 1},127.0.0.1:{o.Port + 2}";
    }

    // Fills the consume source topic once, untimed, and checks the broker kept every record: the
    // consumers then read exactly the same data in every round.
    private async Task FillConsumeTopic()
    {
        string[] fill = _kcat is not null ? KcatProduce(ConsumeTopic) : BareProduce("fire-and-forget", ConsumeTopic);
        Console.Error.WriteLine($"Filling {ConsumeTopic} ({_consumePartitions} partitions) with {(_kcat is not null ? "kcat -P" : "bare-client")} ...");
        string err = Path.Combine(_work, "fill.err");
        if ((await ChildProcess.RunAsync(fill, "/dev/null", err, stop)).ExitCode != 0)
        {
            Console.Error.Write(File.ReadAllText(err));
            throw new SessionFailure($"filling {ConsumeTopic} failed");
        }
        string output = Path.Combine(_work, "fill.out");
        await ChildProcess.RunAsync(BareConsume(), output, err, stop);
        long kept = PeerLine(output) is { } fields && fields.TryGetValue("records", out string? n) ? long.Parse(n) : -1;
        if (kept != o.Count)
            throw new SessionFailure($"{ConsumeTopic} holds {(kept < 0 ? "an unknown number" : kept)} of {o.Count} records after filling (the broker keeps ~5 MiB per partition)");
    }

    // ---------------------------------------------------------------------------------------------
    // The contenders' commands

    private string[] KcatProduce(string topic) =>
        [_kcat!, "-P", "-b", _bootstrap, "-t", topic, "-K:", "-l", Path.Combine(_work, "records.txt"), .. ProducerSettings];

    // -f formats every record (key and value) as text, as a consumer that looks at them would.
    private string[] KcatConsume() =>
        [_kcat!, "-C", "-b", _bootstrap, "-t", ConsumeTopic, "-o", "beginning", "-e", "-q", "-f", "%k %s\\n", .. KcatConsumerSettings];

    private string[] DemoProduce(string mode) =>
        ["dotnet", _demoDll, "bench", "produce", "--mode", mode, "--count", o.Count.ToString(), "--size", o.Size.ToString(),
         "--partitions", ProducePartitions.ToString(), "-b", _bootstrap, .. ProducerSettings, "-o", "json"];

    private string[] DemoConsume() =>
        ["dotnet", _demoDll, "bench", "consume", "--topic", ConsumeTopic, "--count", o.Count.ToString(), "-b", _bootstrap, "-o", "json"];

    // The bare loops and Python write to fresh topics, auto-created with the broker's 4 partitions
    // like the demo's; the bare consumer reads the same source topic as kcat -C and the demo, with
    // the demo's consumer throughput settings.
    private string[] BareProduce(string kind, string topic) =>
        ["dotnet", _bareDll, $"produce-{kind}", "-b", _bootstrap, "-t", topic, "-n", o.Count.ToString(), "--size", o.Size.ToString(), .. ProducerSettings];

    private string[] BareConsume() =>
        ["dotnet", _bareDll, "consume", "-b", _bootstrap, "-t", ConsumeTopic, "-n", o.Count.ToString(), .. BareConsumerSettings];

    private string[] PythonProduce(string kind, string topic) =>
        ["/usr/bin/python3", Path.Combine(_root, "bench/peers/confluent_python.py"), $"produce-{kind}", "-b", _bootstrap, "-t", topic,
         "-n", o.Count.ToString(), "--size", o.Size.ToString(), .. ProducerSettings];

    // ---------------------------------------------------------------------------------------------
    // Runs

    private async Task Round(int r)
    {
        Console.WriteLine($"Round {r} of {o.Rounds} (load average {LoadAverage()}):");
        if (_kcat is not null) await Kcat(r, "kcat -P", KcatProduce($"vs.kcat.p{r}"));
        if (_python) await Peer(r, "Python fire-and-forget", PythonProduce("fire-and-forget", $"vs.py.ff.{r}"));
        await Peer(r, "bare fire-and-forget", BareProduce("fire-and-forget", $"vs.bare.ff.{r}"));
        await Demo(r, "demo fire-and-forget", DemoProduce("fire-and-forget"), ProducePartitions);
        if (_python) await Peer(r, "Python async", PythonProduce("async", $"vs.py.async.{r}"));
        await Peer(r, "bare async", BareProduce("async", $"vs.bare.async.{r}"));
        await Demo(r, "demo async", DemoProduce("async"), ProducePartitions);
        if (_kcat is not null) await Kcat(r, "kcat -C", KcatConsume());
        await Peer(r, "bare consume", BareConsume());
        await Demo(r, "demo consume", DemoConsume(), null);
        await Help(r);
    }

    private Task<ChildRun> Timed(string[] cmd, string stdout) =>
        ChildProcess.RunAsync(cmd, stdout, Path.Combine(_work, "run.err"), stop);

    private void Fail(int round, string name, string reason, string? log = null)
    {
        _failures.Add($"round {round}, {name}: {reason}");
        Console.WriteLine($"  {name,-22} FAILED: {reason}");
        if (log is not null && File.Exists(log))
            foreach (string line in File.ReadLines(log).TakeLast(5)) Console.WriteLine("      | " + line);
    }

    private double? PerRecord(ChildRun run) => run.CpuSeconds is { } s ? s * 1e6 / o.Count : null;

    private static string Mb(double? mb) => mb is { } v ? $"{v:0} MB" : "- MB";

    private async Task Kcat(int r, string name, string[] cmd)
    {
        var run = await Timed(cmd, "/dev/null");
        string err = Path.Combine(_work, "run.err");
        if (run.ExitCode != 0) { Fail(r, name, $"kcat exited with {run.ExitCode}", err); return; }
        // kcat reports delivery and partition errors on stderr; -e can still end with 0 after them.
        if (File.ReadLines(err).Any(l => l.Contains("ERROR", StringComparison.Ordinal) || l.Contains("Delivery failed", StringComparison.Ordinal)))
        {
            Fail(r, name, "kcat reported errors", err);
            return;
        }
        double rate = o.Count / run.WallSeconds;
        Console.WriteLine($"  {name,-22} {rate,10:0} msg/s  {o.Count} records in {run.WallSeconds:0.000} s wall (whole process), process CPU {PerRecord(run):0.00} us/record, peak {Mb(run.PeakMb)}");
        _results.Add(new(name, r, rate, null, PerRecord(run), run.PeakMb));
    }

    // A peer that prints "records=N elapsed_s=S msg_per_s=R cpu_us_per_msg=C failed=F"
    // (bench/BareClient, bench/peers/confluent_python.py), timed from its first record to its last.
    private async Task Peer(int r, string name, string[] cmd)
    {
        string output = Path.Combine(_work, "run.out");
        var run = await Timed(cmd, output);
        if (run.ExitCode != 0) { Fail(r, name, $"exited with {run.ExitCode}", AppendOutput(output)); return; }
        if (PeerLine(output) is not { } f) { Fail(r, name, "no result line", Path.Combine(_work, "run.err")); return; }
        if (f.GetValueOrDefault("records") != o.Count.ToString() || f.GetValueOrDefault("failed") != "0")
        {
            Fail(r, name, $"{f.GetValueOrDefault("records")} of {o.Count} records, {f.GetValueOrDefault("failed")} failed or not delivered", output);
            return;
        }
        double rate = double.Parse(f["msg_per_s"]), cpu = double.Parse(f["cpu_us_per_msg"]);
        Console.WriteLine($"  {name,-22} {rate,10:0} msg/s  {o.Count} records in {f["elapsed_s"]} s timed (process {run.WallSeconds:0.000} s wall), CPU {cpu:0.00} us/record (process {PerRecord(run):0.00}), peak {Mb(run.PeakMb)}");
        _results.Add(new(name, r, rate, cpu, PerRecord(run), run.PeakMb));
    }

    private async Task Demo(int r, string name, string[] cmd, int? partitions)
    {
        string output = Path.Combine(_work, "run.out");
        var run = await Timed(cmd, output);
        if (run.ExitCode != 0) { Fail(r, name, $"demo exited with {run.ExitCode}", AppendOutput(output)); return; }
        if (BenchResult(output) is not { } result) { Fail(r, name, "no bench_result in its JSON output", output); return; }
        double Field(string field, double missing = double.NaN) =>
            result.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : missing;
        double records = Field("records", 0), failed = Field("failed", 0), notDelivered = Field("not_delivered", 0);
        if (records != o.Count || failed != 0 || notDelivered != 0)
        {
            Fail(r, name, $"{records} of {o.Count} records, {failed} failed, {notDelivered} not delivered", output);
            return;
        }
        if (partitions is { } expected && Field("partitions") != expected)
        {
            Fail(r, name, $"its topic has {Field("partitions")} partitions, the peers' {expected}: not comparable");
            return;
        }
        double rate = Field("msg_per_s"), cpu = Field("cpu_us_per_msg");
        Console.WriteLine($"  {name,-22} {rate,10:0} msg/s  {o.Count} records in {Field("elapsed_s"):0.000} s timed (process {run.WallSeconds:0.000} s wall), CPU {cpu:0.00} us/record (process {PerRecord(run):0.00}), peak {Mb(run.PeakMb)}");
        _results.Add(new(name, r, rate, double.IsNaN(cpu) ? null : cpu, PerRecord(run), run.PeakMb));
    }

    // `demo --help` start to exit: what a learner waits for before anything happens.
    private async Task Help(int r)
    {
        var times = new List<double>();
        for (int i = 0; i < HelpRunsPerRound; i++)
        {
            var run = await Timed(["dotnet", _demoDll, "--help"], "/dev/null");
            if (run.ExitCode != 0) { Fail(r, "demo --help", $"exited with {run.ExitCode}", Path.Combine(_work, "run.err")); return; }
            times.Add(run.WallSeconds * 1000);
        }
        _helpMs.AddRange(times);
        Console.WriteLine($"  {"demo --help",-22} {string.Join(", ", times.Select(t => $"{t:0} ms"))}");
    }

    private string AppendOutput(string output)
    {
        string err = Path.Combine(_work, "run.err");
        File.AppendAllText(err, File.ReadAllText(output));
        return err;
    }

    private static Dictionary<string, string>? PeerLine(string path)
    {
        string? line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("records=", StringComparison.Ordinal));
        return line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Split('=', 2)).Where(p => p.Length == 2)
            .ToDictionary(p => p[0], p => p[1]);
    }

    /// <summary>The last bench_result event of a `demo bench -o json` output.</summary>
    private static JsonElement? BenchResult(string path)
    {
        JsonElement? result = null;
        foreach (string raw in File.ReadLines(path))
        {
            string line = raw.Trim();
            if (!line.StartsWith('{')) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String && e.GetString() == "bench_result"
                    && doc.RootElement.TryGetProperty("msg_per_s", out var rate) && rate.ValueKind == JsonValueKind.Number)
                    result = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
            }
        }
        return result;
    }

    // ---------------------------------------------------------------------------------------------
    // Report

    private async Task PrintMachine(string loadStart)
    {
        string cpuModel = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? ""
            : "";
        Console.WriteLine($"Machine: {Environment.ProcessorCount} CPUs{(cpuModel.Length > 0 ? $" ({cpuModel})" : "")}, {RuntimeInformation.OSDescription}, load average at start {loadStart}, at end {LoadAverage()}");
        Console.WriteLine($"demo:    {(await Capture(["dotnet", _demoDll, "--version"])).Replace("\n", ", ").TrimEnd(',', ' ')} (Release build)");
        Console.WriteLine($"kcat:    {(_kcat is null ? "not installed" : (await Capture([_kcat, "-V"])).Split('\n').FirstOrDefault(l => l.StartsWith("Version", StringComparison.Ordinal)) ?? "unknown")}");
        Console.WriteLine(_python
            ? $"Python:  {(await Capture(["/usr/bin/python3", "-c", "import confluent_kafka as c; print('confluent-kafka', c.version()[0], 'on librdkafka', c.libversion()[0])"])).Trim()}"
            : "Python:  not measured (python3-confluent-kafka is not installed)");
    }

    private void PrintCommands()
    {
        Console.WriteLine($"Commands (records.txt: '<n>:msg_<n>' padded with dots to {o.Size} bytes, one line per record;");
        Console.WriteLine("          demo.dll: the Release build of src/KafkaDemos):");
        Console.WriteLine($"  broker:               {Show(_brokerCmd)}");
        if (_kcat is not null)
        {
            Console.WriteLine($"  fill:                 kcat -P as below with -t {ConsumeTopic}, once before the rounds");
            Console.WriteLine($"  kcat -P:              {Show(KcatProduce("vs.kcat.p1"))}   (round r: -t vs.kcat.p<r>)");
        }
        else Console.WriteLine($"  fill:                 bare fire-and-forget as below with -t {ConsumeTopic}, once before the rounds");
        Console.WriteLine($"  demo fire-and-forget: {Show(DemoProduce("fire-and-forget"))}");
        Console.WriteLine($"  demo async:           {Show(DemoProduce("async"))}");
        if (_kcat is not null) Console.WriteLine($"  kcat -C:              {Show(KcatConsume())} > /dev/null");
        Console.WriteLine($"  demo consume:         {Show(DemoConsume())}");
        Console.WriteLine($"  bare async:           {Show(BareProduce("async", "vs.bare.async.1"))}   (fire-and-forget: produce-fire-and-forget)");
        Console.WriteLine($"  bare consume:         {Show(BareConsume())}");
        if (_python) Console.WriteLine($"  Python async:         {Show(PythonProduce("async", "vs.py.async.1"))}   (fire-and-forget: produce-fire-and-forget)");
        Console.WriteLine($"  demo --help:          dotnet demo.dll --help   ({HelpRunsPerRound} per round, start to exit)");
    }

    // A command as it can be pasted into a shell or README: temp paths shortened to the names the
    // notes explain, and only arguments that need it single-quoted.
    private string Show(IEnumerable<string> cmd) => string.Join(' ', cmd.Select(arg =>
    {
        arg = arg.Replace(_work + "/bin/", "").Replace(_work + "/bare/", "").Replace(_root + "/", "").Replace(_work + "/", "");
        if (_kcat is not null) arg = arg == _kcat ? "kcat" : arg;
        return arg.Length > 0 && arg.All(c => char.IsAsciiLetterOrDigit(c) || "_./:=,@%+-".Contains(c)) ? arg : "'" + arg.Replace("'", "'\\''") + "'";
    }));

    private void PrintNotes()
    {
        Console.WriteLine("Notes:");
        Console.WriteLine("* kcat, Python confluent-kafka and bench/BareClient are yardsticks here, not project dependencies.");
        foreach (string note in _notes) Console.WriteLine("* " + note);
        Console.WriteLine($"""
            * Ratios are of medians and compare like with like: each demo row to the bare Confluent.Kafka loop of its
              kind, to Python confluent-kafka of its kind (produce only), and to kcat in its direction.
            * kcat's msg/s is {o.Count} records / wall time of the whole kcat process, which includes starting,
              connecting, fetching metadata and (kcat -P) reading records.txt; the others' msg/s cover their timed
              section only (first record to last), which favours them.
            * kcat -P has no per-message callback mode: it only counts failed deliveries, so it is the analogue of
              fire-and-forget. demo async (a callback per record) has no kcat counterpart; its ratio is still to kcat -P.
            * kcat -C runs with queued.min.messages=1000000 and fetch.wait.max.ms=10, so its fetches never pause;
              demo bench consume reads with the course's auto-commit consumer (in a group of its own, timed from its
              first record) and its own throughput defaults (a 20,000-record queue, fetch.queue.backoff.ms=10,
              fetch.wait.max.ms=10); the bare consumer assigns the partitions with the same settings. All read the
              same {o.Count} records of {ConsumeTopic} ({_consumePartitions} partitions) from the beginning in every round.
            * Produce topics have {ProducePartitions} partitions for every client; the producers use linger.ms=5, acks=all,
              queue.buffering.max.messages=20000 (the project's appsettings.json values).
            * Broker: the project's embedded broker (librdkafka's mock cluster, in memory, 3 brokers) in a separate
              process, reached through its TCP relays: not Apache Kafka. The figures compare the clients' cost.
            * CPU µs/record: what each client reports for its timed section (kcat reports none). process CPU: the
              whole process, start-up included (user + system time of the child, from getrusage), per record.
            * peak MB: the process's peak resident set (VmHWM), sampled every 50 ms while it runs.
            * demo --help: `dotnet demo.dll --help` from start to exit, {HelpRunsPerRound} runs per round.
            """);
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    private async Task<int> Quiet(string[] cmd) => (await ChildProcess.RunAsync(cmd, "/dev/null", "/dev/null", stop)).ExitCode;

    private async Task<string> Capture(string[] cmd)
    {
        string path = Path.Combine(_work, "capture.out");
        await ChildProcess.RunAsync(cmd, path, path, stop);
        return File.ReadAllText(path).Trim();
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static bool PortOpen(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync("127.0.0.1", port).Wait(TimeSpan.FromSeconds(1)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string? FindRoot()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "KafkaDemos.sln"))) return dir.FullName;
        return null;
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);

    /// <summary>Stops the broker (TERM, then KILL after 10 s) and removes the work directory, whichever way the session ends.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_broker is not null) await _broker.StopAsync(TimeSpan.FromSeconds(10));
        if (_work.Length > 0)
        {
            try { Directory.Delete(_work, true); }
            catch (IOException) { }
        }
    }
}
