using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace KafkaDemos.Compare;

/// <summary>What the session prints: the machine, the commands to repeat it, the table and its notes.</summary>
internal sealed partial class Session
{
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
}
