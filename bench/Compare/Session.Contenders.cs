using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace KafkaDemos.Compare;

/// <summary>The contenders' commands and one round of runs: each timed, checked and recorded.</summary>
internal sealed partial class Session
{
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
}
