using System.CommandLine;
using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Admin;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Cli.Output;
using KafkaDemos.Configuration;
using KafkaDemos.Producers;

namespace KafkaDemos.Labs;

/// <summary>
/// `demo lab delivery`: the course's acks and enable.idempotence slides under faults. The same
/// numbered stream is sent with each setting while the embedded broker injects a seeded schedule
/// of faults; reading the topic back says which numbers arrived once, twice or never.
/// </summary>
public static class DeliveryLab
{
    public const string Name = "delivery";

    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Faults after which a message is written but the producer never hears so (a lost answer, a
    /// connection dropped with requests in flight). Apache Kafka discards the idempotent producer's
    /// resent batch by its producer id and sequence number; the embedded broker checks sequence
    /// numbers only for transactional producers and would write it twice, so these faults are not
    /// injected into the idempotent setting there.
    /// </summary>
    private static readonly HashSet<FaultKind> NeedsBrokerDeduplication = [FaultKind.LostAnswer, FaultKind.DroppedConnection];

    private sealed record Setting(string Label, string Mode, Acks Acks, bool Idempotent, string Why);

    private static readonly Setting[] Settings =
    [
        new("acks=0", "async", Acks.None, false,
            "acks=0: the producer does not wait for a reply from the broker before assuming the message was sent, so a write " +
            "the broker refused, or never received, is lost and nobody knows; nothing is sent twice."),
        new("acks=1", "async", Acks.Leader, false,
            "acks=1: success is the leader's reply; when a reply is lost the producer sends the batch again and the broker " +
            "writes it again (duplicates; with several requests in flight, out of order too). On Apache Kafka a leader that " +
            "fails before its followers copy a message also loses it; the embedded broker keeps one copy, so that is not shown here."),
        new("acks=all", "async", Acks.All, false,
            "acks=all: success once all in-sync replicas have the message, so an acknowledged message survives a leader " +
            "failure; but a lost reply still makes the producer resend, and without idempotence the broker writes it twice."),
        new("acks=all + idempotence", "idempotent", Acks.All, true,
            "enable.idempotence=true: \"the producer will ensure that messages are successfully produced exactly once and in " +
            "the original produce order\": each batch carries the producer id and a sequence number, so the broker writes a " +
            "resent batch once."),
    ];

    public static Command Create(Option<bool> embedded)
    {
        var count = new Option<int>("--count", "-n") { Description = "Numbered messages per setting", DefaultValueFactory = _ => 2000, HelpName = "N" };
        var rate = new Option<double>("--fault-rate") { Description = "Chance of a fault after each delivery report (0 to 0.1)", DefaultValueFactory = _ => 0.005, HelpName = "RATE" };
        var seed = new Option<int>("--seed") { Description = "Seed of the fault schedule: the same seed, the same faults", DefaultValueFactory = _ => 42, HelpName = "N" };

        var command = new Command(Name, $"""
            The course's acks and enable.idempotence, under faults. For acks=0, acks=1, acks=all without
            idempotence and acks=all with enable.idempotence=true, the same numbered stream (msg_0, msg_1, ...)
            goes to a fresh topic while the embedded broker injects a seeded schedule of faults: writes the
            leader refuses, leader changes, dropped connections, and writes whose answer is lost (the broker
            answers after the producer's timeout, so the producer sends again). Reading each topic back
            counts the numbers that arrived once, twice (duplicates) or never (lost), and whether they are in
            order. A table at the end, with one sentence per setting on why.
            Faults need the embedded broker: each setting runs on a fresh one in this process (with
            --embedded, or when no configured broker answers). A configured broker that answers cannot
            inject faults: the lab says so and runs without them.
            Exits 0 only if the idempotent setting has no duplicates and no loss.

            Examples:
              demo lab delivery --embedded
              demo lab delivery --embedded --count 500 --fault-rate 0.02 --seed 7
              demo lab delivery -o json
            """)
        {
            count, rate, seed, embedded,
        };

        command.SetDemoAction(async ctx =>
        {
            int messages = ctx.Get(count);
            double faultRate = ctx.Get(rate);
            if (messages is < 10 or > 100_000) throw new UsageException($"--count {messages} must be between 10 and 100000");
            if (faultRate is < 0 or > 0.1 || double.IsNaN(faultRate)) throw new UsageException($"--fault-rate {faultRate} must be between 0 and 0.1");

            var config = ctx.LoadConfiguration();
            bool faults = ctx.Get(embedded) || !Answers(config);
            var clock = Stopwatch.StartNew();
            var schedule = FaultSchedule.Create(messages, faults ? faultRate : 0, ctx.Get(seed));
            LabBroker? configured = faults ? null : await LabBroker.AcquireAsync(config, false, ctx.Output);
            try
            {
                if (faults)
                {
                    ctx.Info($"Each setting runs on a fresh embedded broker in this process ({EmbeddedBroker.Disclaimer}), which injects the faults.");
                    ctx.Info($"Fault schedule (--seed {ctx.Get(seed)}, --fault-rate {faultRate}): {schedule.Faults.Count} faults, " +
                             string.Join(", ", Enum.GetValues<FaultKind>().Select(k => $"{schedule.Of(k)} {Describe(k)}")) + ".");
                    ctx.Info("The producers use socket.timeout.ms=1000 (how long the client waits for an answer) and message.timeout.ms=30000 " +
                             "(how long it keeps retrying), so a lost answer is retried quickly and every retry can still succeed.");
                }
                else
                {
                    ctx.Info($"The lab runs on {configured!.Description}, which cannot inject faults: no faults this time. " +
                             "Every setting should read back each number once. Run with --embedded to see the faults.");
                }

                var rows = new List<Row>();
                int step = 0;
                foreach (var setting in Settings)
                {
                    ctx.Cancellation.ThrowIfCancellationRequested();
                    ctx.Output.Emit(new LabStepEvent(Name, ++step, setting.Label));
                    var row = await RunSettingAsync(ctx, config, setting, messages, schedule, faults, configured);
                    rows.Add(row);
                    ctx.Output.Emit(row.ToEvent());
                }
                return Report(ctx, rows, faults, clock.Elapsed, configured);
            }
            finally
            {
                if (configured is not null) await configured.DisposeAsync();
            }
        });
        return command;
    }

    private static bool Answers(DemoConfiguration config)
    {
        try
        {
            BrokerPreflight.Check(config);
            return true;
        }
        catch (BrokerUnreachableException)
        {
            return false;
        }
    }

    private static string Describe(FaultKind kind) => kind switch
    {
        FaultKind.RejectedWrite => "refused writes",
        FaultKind.LeaderChange => "leader changes",
        FaultKind.DroppedConnection => "dropped connections",
        _ => "lost answers",
    };

    private sealed record Row(Setting Setting, ProduceResult Produced, long Once, long Duplicates, long Lost, bool InOrder, int Faults, int FaultsSkipped, bool WithFaults)
    {
        /// <summary>Duplicates and losses depend on which batches the faults hit, which timing decides; the idempotent setting's 0 and 0 do not.</summary>
        public bool Varies => WithFaults && !Setting.Idempotent && Faults > 0;

        public LabRowEvent ToEvent() => new(Name,
        [
            new("setting", Setting.Label), new("sent", Produced.Sent), new("acknowledged", Produced.Delivered),
            new("failed", Produced.Failed + Produced.NotDelivered), new("once", Once), new("duplicates", Duplicates),
            new("lost", Lost), new("reordered", !InOrder), new("faults", Faults), new("faults_not_injected", FaultsSkipped),
            new("varies", Varies), new("why", Setting.Why),
        ]);
    }

    private static async Task<Row> RunSettingAsync(DemoContext ctx, DemoConfiguration config, Setting setting, int messages, FaultSchedule schedule, bool faults, LabBroker? configured)
    {
        await using var broker = faults ? await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 }) : null;
        string topic;
        if (broker is not null)
        {
            topic = $"lab.delivery.{Guid.NewGuid().ToString("N")[..8]}";
            // One partition: one log, so "in order" is the order of the whole stream.
            broker.CreateTopic(topic, 1);
        }
        else
        {
            topic = await configured!.CreateTopicAsync(config, "lab.delivery", 1);
        }
        string bootstrap = broker?.BootstrapServers ?? configured!.BootstrapServers;

        var producerConfig = new ProducerConfig(config.ProducerConfig())
        {
            BootstrapServers = bootstrap,
            Acks = setting.Acks,
            EnableIdempotence = setting.Idempotent,
            LingerMs = 5,
        };
        if (faults)
        {
            // The client's own wait for an answer is socket.timeout.ms (request.timeout.ms is what the
            // broker is told to wait for replicas); short, so a lost answer is noticed within about 2 s.
            producerConfig.SocketTimeoutMs = 1000;
            producerConfig.RequestTimeoutMs = 1000;
            producerConfig.MessageTimeoutMs = 30_000;
            producerConfig.RetryBackoffMs = 100;
        }

        var allowed = Enum.GetValues<FaultKind>().Where(k => !(setting.Idempotent && NeedsBrokerDeduplication.Contains(k))).ToHashSet();
        if (faults && allowed.Count < Enum.GetValues<FaultKind>().Length)
            ctx.Info("Not injected here: lost answers and dropped connections. Apache Kafka discards the idempotent producer's resent batch " +
                     "by its producer id and sequence number; the embedded broker checks sequence numbers only for transactional producers, " +
                     "so it would write the batch twice and show a duplicate Apache Kafka never writes.");
        var injector = broker is null ? null : new FaultInjector(broker, topic, setting.Label, schedule, allowed, ctx.Output);
        if (broker is not null) injector!.Start(LeaderOf(bootstrap, topic));

        var sink = new ReportSink(ctx.Output, injector, ctx.Format == OutputFormat.Text);
        var options = new ProduceOptions { Topic = topic, Count = messages, Interval = TimeSpan.FromMilliseconds(1), FlushTimeout = ProduceOptions.FlushTimeoutFor(producerConfig) };
        var produced = await ProducerDemos.For(setting.Mode).RunAsync(producerConfig, options, sink, ctx.Cancellation);

        // The numbers come from the log itself, not from the delivery reports.
        var consumerConfig = new ConsumerConfig(config.ConsumerConfig()) { BootstrapServers = bootstrap };
        var records = await Task.Run(() => ReadBack.All(consumerConfig, topic, ReadTimeout));
        var seen = new Dictionary<long, int>();
        foreach (var record in records)
            if (SequenceCheck.NumberOf(record.Value) is long n) seen[n] = seen.GetValueOrDefault(n) + 1;
        var (duplicates, lost) = SequenceCheck.Count(records.Select(r => SequenceCheck.NumberOf(r.Value)).OfType<long>(), messages);
        long once = seen.Count(s => s.Value == 1 && s.Key < messages);
        bool inOrder = SequenceCheck.InOrderPerPartition(records);
        int applied = injector is null ? 0 : injector.Pushed - injector.Unused();
        ctx.Info($"  read back {records.Count} records: {once} once, {duplicates} duplicate(s), {lost} lost, {(inOrder ? "in order" : "out of order")}" +
                 (injector is null ? "" : $"; {applied} fault(s) met" + (sink.ClientWarnings > 0 ? $", {sink.ClientWarnings} client warning(s) (timeouts, disconnects) not shown" : "")));
        return new Row(setting, produced, once, duplicates, lost, inOrder, applied, injector?.Skipped ?? 0, faults);
    }

    private static int LeaderOf(string bootstrap, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).SetLogHandler((_, _) => { }).Build();
        return admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Single().Leader;
    }

    private static int Report(DemoContext ctx, List<Row> rows, bool faults, TimeSpan elapsed, LabBroker? configured)
    {
        ctx.Output.Emit(new TableEvent(faults ? "Delivery lab: the same stream under the same faults" : "Delivery lab: no faults (configured broker)",
            ["Setting", "Sent", "Acked", "Failed", "Once", "Duplicates", "Lost", "Reordered", "Faults", "Counts"],
            rows.Select(r => (IReadOnlyList<object?>)
            [
                r.Setting.Label, r.Produced.Sent, r.Produced.Delivered, r.Produced.Failed + r.Produced.NotDelivered, r.Once, r.Duplicates, r.Lost,
                r.InOrder ? "no" : "yes", r.FaultsSkipped > 0 ? $"{r.Faults} (+{r.FaultsSkipped} not injected)" : r.Faults, r.Varies ? "vary by run" : "exact",
            ]).ToList()));
        foreach (var row in rows) ctx.Info("• " + row.Setting.Why);
        if (faults)
            ctx.Info("The fault schedule is seeded: the same messages meet the same faults on every run. How many messages a fault hits " +
                     "depends on how they were batched, which timing decides, so the counts marked \"vary by run\" change from run to run; " +
                     "the idempotent setting's 0 duplicates and 0 lost do not.");

        var idempotent = rows.Where(r => r.Setting.Idempotent).ToList();
        bool held = idempotent.Count == 1 && idempotent[0].Duplicates == 0 && idempotent[0].Lost == 0;
        ctx.Output.Emit(new CheckEvent(Name, "idempotent producer: no duplicates and no loss", held,
            idempotent.Count == 1 ? $"{idempotent[0].Duplicates} duplicates, {idempotent[0].Lost} lost" : "not run"));
        ctx.Output.Emit(new SummaryEvent("lab",
        [
            new("lab", Name), new("settings", rows.Count), new("faults", faults), new("messages", rows.FirstOrDefault()?.Produced.Sent),
            new("idempotent_duplicates", idempotent.FirstOrDefault()?.Duplicates), new("idempotent_lost", idempotent.FirstOrDefault()?.Lost),
            new("passed", held), new("elapsed_s", Math.Round(elapsed.TotalSeconds, 1)),
            new("broker", configured is null ? "embedded" : "configured"),
        ]));
        return held && rows.Count == Settings.Length ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>Feeds delivery reports to the fault injector; in text mode shows the producer's status, not every record.</summary>
    private sealed class ReportSink(IEventSink inner, FaultInjector? injector, bool text) : IEventSink
    {
        private long _clientWarnings;

        public long ClientWarnings => Interlocked.Read(ref _clientWarnings);

        public void Emit(DemoEvent e)
        {
            if (e is DeliveredEvent or DeliveryFailedEvent) injector?.OnReport();
            if (text)
            {
                if (e.IsPerMessage) return;
                if (e is WarningEvent w && w.Message.StartsWith("librdkafka", StringComparison.Ordinal) || e is ErrorEvent { Fatal: false })
                {
                    Interlocked.Increment(ref _clientWarnings);
                    return;
                }
            }
            inner.Emit(e);
        }

        public void Flush() => inner.Flush();
    }
}
