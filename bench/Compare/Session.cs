using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace KafkaDemos.Compare;

/// <summary>An error that ends the session: 1 for a build, broker or fill failure, 2 for usage.</summary>
internal sealed class SessionFailure(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>One comparison session: builds, the broker, the consume topic, the rounds, and the report; see Session.Contenders.cs and Session.Report.cs.</summary>
internal sealed partial class Session(ComparisonOptions o, CancellationToken stop) : IAsyncDisposable
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
