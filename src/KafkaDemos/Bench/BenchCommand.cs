using System.CommandLine;
using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;
using KafkaDemos.Producers;

namespace KafkaDemos.Bench;

/// <summary>`demo bench produce|consume|all`: how fast each producer mode and the consumer are, on this machine.</summary>
public static class BenchCommand
{
    /// <summary>Sync mode waits one round trip per message: in `bench all` it sends at most this many.</summary>
    public const int SyncCountInAll = 1_000;

    private sealed record BenchOptions(Option<int> Count, Option<int> Size, Option<int> Partitions, Option<bool> Embedded, Option<string?>? Acks, Option<string?>? Topic = null);

    public static Command Create() => new("bench", """
        Measure how fast each way of producing (and the consumer) is, on this machine and broker,
        with the project's own producer demos. Reports msg/s, MB/s and, for modes that observe
        deliveries, latency percentiles in the layout of kafka-producer-perf-test and
        kafka-consumer-perf-test; also CPU time, peak memory and bytes allocated per record. CPU
        time per record is the steadier figure on a busy machine; with --embedded it includes the
        broker's own work, which then runs in the same process.

        Runs against the configured broker; with --embedded, or when none answers, against an
        embedded broker in this process (librdkafka's in-memory mock cluster: not Apache Kafka,
        it shows the clients' cost). Every run writes to a fresh topic; consume --topic reads an
        existing one instead.

        Examples:
          demo bench all --embedded
          demo bench produce --mode async --count 1000000 --size 100
          demo bench consume --count 500000
          demo bench all --count 100000 -o json | jq 'select(.event == "bench_result")'
        """)
    {
        Produce(),
        Consume(),
        All(),
    };

    private static BenchOptions Options(Command command, int defaultCount, bool acks)
    {
        var options = new BenchOptions(
            new Option<int>("--count", "-n") { Description = "Records per run", DefaultValueFactory = _ => defaultCount, HelpName = "N" },
            new Option<int>("--size") { Description = "Value size in bytes (json mode sends its {\"num\": n} record instead)", DefaultValueFactory = _ => 100, HelpName = "BYTES" },
            new Option<int>("--partitions") { Description = "Partitions of each fresh topic (consume: more if the embedded broker needs them to keep every record)", DefaultValueFactory = _ => 16, HelpName = "P" },
            new Option<bool>("--embedded") { Description = "Start an embedded broker in this process instead of using the configured one" },
            acks ? new Option<string?>("--acks") { Description = "0 | 1 | all (sets acks; idempotent always uses all)", HelpName = "0|1|all" } : null);
        options.Acks?.AcceptOnlyFromAmong("0", "1", "all", "-1");
        command.Options.Add(options.Count);
        command.Options.Add(options.Size);
        command.Options.Add(options.Partitions);
        command.Options.Add(options.Embedded);
        if (options.Acks is not null) command.Options.Add(options.Acks);
        return options;
    }

    private static Command Produce()
    {
        var mode = new Option<string>("--mode", "-m") { Description = "fire-and-forget | async | sync | idempotent | json", DefaultValueFactory = _ => "async", HelpName = "MODE" };
        mode.AcceptOnlyFromAmong([.. ProducerDemos.Modes.Keys]);
        var command = new Command("produce", $"""
            Benchmark one producer mode (`demo produce --mode ...`): kafka-producer-perf-test's line.

            {ExitCodes.HelpText}
            Exit 1 here: a record failed or was not delivered.

            Examples:
              demo bench produce --mode fire-and-forget --count 1000000
              demo bench produce --mode sync --count 5000 --acks 1
            """) { mode };
        var options = Options(command, 1_000_000, acks: true);
        command.SetDemoAction(ctx => RunAsync(ctx, options, count => [new BenchPlan(ctx.Get(mode)!, count)]));
        return command;
    }

    private static Command Consume()
    {
        var command = new Command("consume", $"""
            Benchmark the consumer: fill a fresh topic, then read it back (kafka-consumer-perf-test's columns).
            The embedded broker keeps only about 5 MiB per partition, so the topic gets enough partitions
            to keep every record; the result says how many records were produced, kept and read.
            A `demo broker` in another process cannot create topics (they are auto-created with 4
            partitions, about 180,000 records of 100 bytes): declare one there and read it with --topic.

            {ExitCodes.HelpText}
            Exit 1 here: not every record kept by the broker was read.

            Examples:
              demo bench consume --count 1000000
              demo bench consume --topic ak03.fourpartition --count 100000
            """);
        var topic = new Option<string?>("--topic", "-t")
        {
            Description = "Read this existing topic from the beginning (up to --count records) instead of filling a fresh one",
            HelpName = "TOPIC",
        }.AcceptsTopicNames();
        command.Options.Add(topic);
        var options = Options(command, 1_000_000, acks: false) with { Topic = topic };
        command.SetDemoAction(ctx => RunAsync(ctx, options, count => [new BenchPlan(BenchPlan.Consume, count)]));
        return command;
    }

    private static Command All()
    {
        var command = new Command("all", $"""
            Every producer mode and the consumer in one run on one broker, in one table, so their
            ratios are measured side by side. Sync sends at most {SyncCountInAll:N0} records (one round
            trip each; the table says so); idempotent runs with acks=all, which it needs.

            {ExitCodes.HelpText}
            Exit 1 here: a record failed, was not delivered, or was not read.

            Examples:
              demo bench all --embedded
              demo bench all --count 100000 --size 512
            """);
        var options = Options(command, 1_000_000, acks: true);
        command.SetDemoAction(ctx => RunAsync(ctx, options, count =>
        [
            new BenchPlan("fire-and-forget", count),
            new BenchPlan("async", count),
            count > SyncCountInAll
                ? new BenchPlan("sync", SyncCountInAll, $"{SyncCountInAll:N0} records, not {count:N0}: one round trip each")
                : new BenchPlan("sync", count),
            new BenchPlan("idempotent", count, Acks: Acks.All),
            new BenchPlan("json", count, "values are its {\"num\": n} record, not --size bytes"),
            new BenchPlan(BenchPlan.Consume, count),
        ]));
        return command;
    }

    private static async Task<int> RunAsync(DemoContext ctx, BenchOptions options, Func<int, IReadOnlyList<BenchPlan>> plansFor)
    {
        int count = ctx.Get(options.Count), size = ctx.Get(options.Size), partitions = ctx.Get(options.Partitions);
        if (count < 1) throw new UsageException($"--count {count} must be at least 1");
        if (size < 1) throw new UsageException($"--size {size} must be at least 1");
        if (partitions < 1) throw new UsageException($"--partitions {partitions} must be at least 1");
        var config = ctx.LoadConfiguration(options.Acks is null ? null : ctx.Flag(options.Acks, ConfigSections.Producer, "acks"));
        var plans = plansFor(count);
        string? topic = options.Topic is null ? null : ctx.Get(options.Topic);
        var settings = new BenchSettings(size, partitions, config.ProducerConfig(), config.ConsumerConfig(), topic);
        // Settings a mode refuses (e.g. --acks 0 with idempotent) are a usage error before anything runs.
        foreach (var plan in plans.Where(p => !p.IsConsume))
        {
            var producer = BenchRunner.Copy(settings.Producer);
            if (plan.Acks is Acks acks) producer.Acks = acks;
            ModeConstraints.Check(ProducerDemos.Modes.Entry(plan.Mode).Constraints, producer, "bench");
            BenchRunner.Options(plan, settings, "bench", producer).Check(plan.Mode);
        }

        var clock = Stopwatch.StartNew();
        await using var broker = await BenchBroker.ConnectAsync(config, ctx.Get(options.Embedded), ctx.Output);
        var results = await BenchProgress.RunAllAsync(plans, ctx,
            (plan, output, stage) => BenchRunner.RunAsync(plan, settings, broker, output, stage, ctx.Cancellation));

        if (results.Count > 1 && ctx.Format == OutputFormat.Text)
            ctx.Output.Emit(BenchTable.Create(results, Title(results, count, size, broker)));
        bool complete = results.All(r => r.Failed == 0 && r.NotDelivered == 0);
        ctx.Output.Emit(new SummaryEvent("bench",
        [
            new("broker", broker.Description),
            new("runs", results.Count),
            new("count", count),
            new("size", size),
            new("acks", settings.Producer.Acks is Acks a ? AcksText(a) : "default"),
            new("linger_ms", settings.Producer.LingerMs),
            new("elapsed_s", Math.Round(clock.Elapsed.TotalSeconds, 3)),
            new("process_peak_working_set_mb", Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024), 1)),
            new("complete", complete),
        ]));
        return complete && !ctx.Cancellation.IsCancellationRequested ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static string Title(IReadOnlyList<BenchResultEvent> results, int count, int size, BenchBroker broker)
    {
        string notes = string.Join("\n", results.Where(r => r.Note is not null).Select(r => $"* {r.Mode}: {r.Note}"));
        return $"{count:N0} records of {size} bytes per run, {broker.Description}" + (notes.Length > 0 ? "\n" + notes : "");
    }

    private static string AcksText(Acks acks) => acks switch
    {
        Acks.None => "0",
        Acks.Leader => "1",
        _ => "all",
    };
}
