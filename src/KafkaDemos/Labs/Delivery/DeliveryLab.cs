using System.CommandLine;
using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Admin;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;
using KafkaDemos.Producers;

namespace KafkaDemos.Labs.Delivery;

/// <summary>
/// `demo lab delivery`: the course's acks and enable.idempotence slides under faults. The same
/// numbered stream is sent with each setting while the embedded broker injects one seeded schedule
/// of faults, the same for every row; reading the topic back says which numbers arrived once, twice
/// or never. The "idempotence off" row is the control: it shows the duplicates the exactly-once row
/// does not write.
/// </summary>
public static class DeliveryLab
{
    public const string Name = "delivery";

    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(60);

    public enum Sending
    {
        /// <summary>The course's async producer (Producers/AsyncCallbackProducer.cs) with the row's acks.</summary>
        Async,

        /// <summary>The course's idempotent producer (Producers/IdempotentProducer.cs).</summary>
        Idempotent,

        /// <summary>One transaction around the stream (ExactlyOnceSend).</summary>
        ExactlyOnce,
    }

    public sealed record Setting(string Label, Sending Sending, Acks Acks, string Why);

    public static readonly Setting AcksAllWithoutIdempotence = new("acks=all, idempotence off", Sending.Async, Acks.All,
        "acks=all: success once all in-sync replicas have the message, so an acknowledged message survives a leader " +
        "failure; but a lost reply still makes the producer resend, and without idempotence the broker writes it twice.");

    private static readonly Setting PlainIdempotent = new("acks=all + idempotence", Sending.Idempotent, Acks.All,
        "enable.idempotence=true: \"the producer will ensure that messages are successfully produced exactly once and in " +
        "the original produce order\": each batch carries the producer id and a sequence number, so the broker writes a " +
        "resent batch once.");

    public static readonly Setting ExactlyOnce = new("exactly-once (transactional)", Sending.ExactlyOnce, Acks.All,
        "transactional.id (exactly-once): idempotence plus a transaction; the broker checks every batch's producer id and " +
        "sequence number, writes a resent batch once, and readers see the records when the transaction commits.");

    private static readonly Setting[] Settings =
    [
        new("acks=0", Sending.Async, Acks.None,
            "acks=0: the producer does not wait for a reply from the broker before assuming the message was sent, so a write " +
            "the broker refused, or never received, is lost and nobody knows; nothing is sent twice."),
        new("acks=1", Sending.Async, Acks.Leader,
            "acks=1: success is the leader's reply; when a reply is lost the producer sends the batch again and the broker " +
            "writes it again (duplicates; with several requests in flight, out of order too). On Apache Kafka a leader that " +
            "fails before its followers copy a message also loses it; the embedded broker keeps one copy, so that is not shown here."),
        AcksAllWithoutIdempotence,
        PlainIdempotent,
        ExactlyOnce,
    ];

    /// <summary>
    /// Why the plain idempotent row does not run on the embedded broker. librdkafka's mock cluster checks
    /// sequence numbers only for transactional producers (rd_kafka_mock_validate_records returns early
    /// without a transactional.id): it writes a resent batch twice, and it writes a batch that follows a
    /// refused one, which tells the producer (librdkafka's "implicit ack") that the refused batch was written
    /// too; that is how acknowledged records went missing with some seeds. Both are the test double's doing.
    /// </summary>
    public const string PlainIdempotentOnEmbedded =
        "acks=all + idempotence (no transaction) is not run on the embedded broker: it checks sequence numbers only for " +
        "transactional producers, so it would write a resent batch twice, and, accepting the batch after a refused one, make " +
        "the producer take the refused batch as written (acknowledged yet lost). That is the test double, not the producer. " +
        "The exactly-once row shows the broker's deduplication here; a plain idempotent producer's is shown on real Kafka " +
        "(docker compose up -d), where it works the same way.";

    public static Command Create(Option<bool> embedded)
    {
        var count = new Option<int>("--count", "-n") { Description = "Numbered messages per setting", DefaultValueFactory = _ => 2000, HelpName = "N" };
        var rate = new Option<double>("--fault-rate") { Description = "Chance of a fault after each delivery report (0 to 0.1)", DefaultValueFactory = _ => 0.005, HelpName = "RATE" };
        var seed = new Option<int>("--seed") { Description = "Seed of the fault schedule: the same seed, the same faults", DefaultValueFactory = _ => 42, HelpName = "N" };
        var withoutTransactions = new Option<bool>("--control-without-transactions")
        {
            Description = "Negative control: the exactly-once row sends without a transaction, so its check must fail",
            Hidden = true,
        };

        var command = new Command(Name, $"""
            The course's acks and enable.idempotence, under faults. For acks=0, acks=1, acks=all with idempotence
            off, and an exactly-once (transactional) producer, the same numbered stream (msg_0, msg_1, ...) goes
            to a fresh topic while the embedded broker injects one seeded schedule of faults, the same for every
            row: writes the leader refuses, leader changes, dropped connections, and writes whose answer is lost
            (the broker answers after the producer's timeout, so the producer sends again). Reading each topic
            back counts the numbers that arrived once, twice (duplicates) or never (lost), and whether they are
            in order. A table at the end, with one sentence per setting on why.
            The embedded broker deduplicates resent batches only for transactional producers, so there the
            plain idempotent producer (acks=all + idempotence) is not run: its deduplication is shown on real
            Kafka, and the exactly-once row shows it here.
            Faults need the embedded broker: each setting runs on a fresh one in this process (with
            --embedded, or when no configured broker answers). A configured broker that answers cannot
            inject faults: the lab says so and runs every setting without them.
            Exits 0 only if the exactly-once row has no duplicates and no loss and, when a lost answer was met,
            the idempotence-off row shows the duplicates it causes.

            Examples:
              demo lab delivery --embedded
              demo lab delivery --embedded --count 500 --fault-rate 0.02 --seed 7
              demo lab delivery -o json
            """)
        {
            count, rate, seed, embedded, withoutTransactions,
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
                if (configured is not null) await configured.RequireTopicCreationAsync(config, 1);
                if (faults)
                {
                    ctx.Info($"Each setting runs on a fresh embedded broker in this process ({EmbeddedBroker.Disclaimer}), which injects the faults.");
                    ctx.Info($"Fault schedule (--seed {ctx.Get(seed)}, --fault-rate {faultRate}), the same for every setting: {schedule.Faults.Count} faults, " +
                             string.Join(", ", Enum.GetValues<FaultKind>().Select(k => $"{schedule.Of(k)} {Describe(k)}")) + ".");
                    ctx.Info("The producers use socket.timeout.ms=1000 (how long the client waits for an answer) and message.timeout.ms=30000 " +
                             "(how long it keeps retrying), so a lost answer is retried quickly and every retry can still succeed.");
                }
                else
                {
                    ctx.Info($"The lab runs on {configured!.Description}, which cannot inject faults: no faults this time. " +
                             "Every setting should read back each number once. Run with --embedded to see the faults.");
                }
                bool control = ctx.Get(withoutTransactions);
                if (control) ctx.Info("Negative control (--control-without-transactions): the exactly-once row sends without a transaction; its check should fail.");

                var rows = new List<Row>();
                int step = 0;
                foreach (var setting in Settings)
                {
                    ctx.Cancellation.ThrowIfCancellationRequested();
                    ctx.Output.Emit(new LabStepEvent(Name, ++step, setting.Label));
                    Row row;
                    if (faults && setting.Sending == Sending.Idempotent)
                    {
                        ctx.Info(PlainIdempotentOnEmbedded);
                        row = Row.NotRun(setting);
                    }
                    else
                    {
                        var run = new RowRun(ctx.Output, ctx.Format == OutputFormat.Text, setting, messages, schedule, control, ctx.Cancellation);
                        row = faults
                            ? await RunOnEmbeddedAsync(run, new ProducerConfig(config.ProducerConfig()), new ConsumerConfig(config.ConsumerConfig()))
                            : await RunOnBrokerAsync(run, configured!.ProducerConfig(config), configured.ConsumerConfig(config), await configured.CreateTopicAsync(config, "lab.delivery", 1));
                    }
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

    /// <summary>One setting's run: where its events go, and the stream and faults it meets.</summary>
    public sealed record RowRun(Reporter Output, bool Text, Setting Setting, int Messages, FaultSchedule Schedule, bool WithoutTransactions, CancellationToken Cancellation);

    public sealed record Row(Setting Setting, bool Ran, ProduceResult? Produced, long Once, long Duplicates, long Lost, bool InOrder, int Faults, int LostAnswersMet, bool WithFaults)
    {
        public static Row NotRun(Setting setting) => new(setting, false, null, 0, 0, 0, true, 0, 0, true);

        /// <summary>Duplicates and losses depend on which batches the faults hit, which timing decides; the exactly-once row's 0 and 0 do not.</summary>
        public bool Varies => Ran && WithFaults && Setting.Sending != Sending.ExactlyOnce && Faults > 0;

        public long Failed => Produced is null ? 0 : Produced.Failed + Produced.NotDelivered;

        public LabRowEvent ToEvent() => new(Name,
        [
            new("setting", Setting.Label), new("ran", Ran), new("sent", Produced?.Sent), new("acknowledged", Produced?.Delivered),
            new("failed", Failed), new("once", Once), new("duplicates", Duplicates), new("lost", Lost), new("reordered", !InOrder),
            new("faults", Faults), new("lost_answers_met", LostAnswersMet), new("varies", Varies),
            new("error", Produced?.FatalError), new("why", Ran ? Setting.Why : PlainIdempotentOnEmbedded),
        ]);
    }

    /// <summary>The exactly-once check: every number read back once, none twice, none missing, and the transaction committed.</summary>
    public static CheckEvent ExactlyOnceCheck(Row row) => new(Name, "exactly-once producer: no duplicates and no loss",
        row.Ran && row.Duplicates == 0 && row.Lost == 0 && row.Produced?.FatalError is null,
        row.Produced?.FatalError ?? $"{row.Duplicates} duplicates, {row.Lost} lost");

    /// <summary>
    /// The control the learner sees: with idempotence off, a lost answer makes the producer resend a batch the
    /// broker already wrote, so at least one number is read back twice. Null when no lost answer was met.
    /// </summary>
    public static CheckEvent? DuplicatesWithoutIdempotenceCheck(Row row) => row.LostAnswersMet == 0 ? null :
        new(Name, "idempotence off: the lost answers wrote duplicates", row.Duplicates > 0,
            $"{row.LostAnswersMet} lost answer(s) met, {row.Duplicates} duplicates");

    /// <summary>One setting on a fresh embedded broker that injects the schedule's faults.</summary>
    public static async Task<Row> RunOnEmbeddedAsync(RowRun run, ProducerConfig producerBase, ConsumerConfig consumerBase)
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        string topic = $"lab.delivery.{Guid.NewGuid().ToString("N")[..8]}";
        // One partition: one log, so "in order" is the order of the whole stream.
        broker.CreateTopic(topic, 1);
        var injector = new FaultInjector(broker, topic, run.Setting.Label, run.Schedule, run.Output);
        injector.Start(LeaderOf(broker.BootstrapServers, topic));

        var producerConfig = new ProducerConfig(producerBase.ToDictionary())
        {
            BootstrapServers = broker.BootstrapServers,
            // The client's own wait for an answer is socket.timeout.ms (request.timeout.ms is what the
            // broker is told to wait for replicas); short, so a lost answer is noticed within about 2 s.
            SocketTimeoutMs = 1000,
            RequestTimeoutMs = 1000,
            MessageTimeoutMs = 30_000,
            RetryBackoffMs = 100,
        };
        var row = await SendAndReadBackAsync(run, producerConfig, new ConsumerConfig(consumerBase.ToDictionary()) { BootstrapServers = broker.BootstrapServers }, topic, injector);
        return row with { LostAnswersMet = injector.Met(FaultKind.LostAnswer) };
    }

    private static Task<Row> RunOnBrokerAsync(RowRun run, ProducerConfig producerConfig, ConsumerConfig consumerConfig, string topic) =>
        SendAndReadBackAsync(run, producerConfig, consumerConfig, topic, null);

    private static async Task<Row> SendAndReadBackAsync(RowRun run, ProducerConfig baseConfig, ConsumerConfig consumerConfig, string topic, FaultInjector? injector)
    {
        var setting = run.Setting;
        // The client's own timeout and disconnect warnings are what the faults cause: in text mode they
        // are counted and reported in the row's line, not printed one by one.
        var sink = run.Output.Showing(run.Text ? Shown.AllButClientNotices : Shown.All).With(new EventObserver(e =>
        {
            if (e is DeliveredEvent or DeliveryFailedEvent) injector?.OnReport();
        }));
        var producerConfig = new ProducerConfig(baseConfig.ToDictionary()) { Acks = setting.Acks, EnableIdempotence = setting.Sending != Sending.Async, LingerMs = 5 };
        ProduceResult produced;
        if (setting.Sending == Sending.ExactlyOnce)
        {
            produced = await ExactlyOnceSend.RunAsync(producerConfig, topic, run.Messages, !run.WithoutTransactions, sink, run.Cancellation);
        }
        else
        {
            var options = new ProduceOptions { Topic = topic, Count = run.Messages, Interval = TimeSpan.FromMilliseconds(1), FlushTimeout = ProduceOptions.FlushTimeoutFor(producerConfig) };
            produced = await ProducerDemos.Modes[setting.Sending == Sending.Idempotent ? "idempotent" : "async"](producerConfig, options, sink, run.Cancellation);
        }

        // The numbers come from the log itself, not from the delivery reports.
        var records = await Task.Run(() => ReadBack.All(consumerConfig, topic, ReadTimeout));
        var numbers = records.Select(r => SequenceCheck.NumberOf(r.Value)).OfType<long>().ToList();
        var (duplicates, lost) = SequenceCheck.Count(numbers, run.Messages);
        long once = numbers.Where(n => n < run.Messages).GroupBy(n => n).Count(g => g.Count() == 1);
        bool inOrder = SequenceCheck.InOrderPerPartition(records);
        int applied = injector is null ? 0 : injector.Pushed - injector.Unused();
        run.Output.Emit(new InfoEvent($"  read back {records.Count} records: {once} once, {duplicates} duplicate(s), {lost} lost, {(inOrder ? "in order" : "out of order")}" +
            (injector is null ? "" : $"; {applied} fault(s) met" + (sink.ClientNoticesHidden > 0 ? $", {sink.ClientNoticesHidden} client warning(s) (timeouts, disconnects) not shown" : ""))));
        if (produced.FatalError is not null) run.Output.Emit(new ErrorEvent($"  {setting.Label}: {produced.FatalError}"));
        return new Row(setting, true, produced, once, duplicates, lost, inOrder, applied, 0, injector is not null);
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
            rows.Select(r => (IReadOnlyList<object?>)(r.Ran
                ?
                [
                    r.Setting.Label, r.Produced!.Sent, r.Produced.Delivered, r.Failed, r.Once, r.Duplicates, r.Lost,
                    r.InOrder ? "no" : "yes", r.Faults, r.Varies ? "vary by run" : "exact",
                ]
                : [r.Setting.Label, "-", "-", "-", "-", "-", "-", "-", "-", "real Kafka only"])).ToList()));
        foreach (var row in rows.Where(r => r.Ran)) ctx.Info("• " + row.Setting.Why);
        if (faults)
            ctx.Info("The fault schedule is seeded and the same for every setting: the same messages meet the same faults on every run. " +
                     "How many messages a fault hits depends on how they were batched, which timing decides, so the counts marked " +
                     "\"vary by run\" change from run to run; the exactly-once row's 0 duplicates and 0 lost do not.");

        var exactlyOnce = rows.Single(r => r.Setting == ExactlyOnce);
        var check = ExactlyOnceCheck(exactlyOnce);
        ctx.Output.Emit(check);
        var control = DuplicatesWithoutIdempotenceCheck(rows.Single(r => r.Setting == AcksAllWithoutIdempotence));
        if (control is not null) ctx.Output.Emit(control);
        else if (faults) ctx.Info("No lost answer was met in this schedule, so the idempotence-off row has no duplicates to show; try another --seed.");
        bool passed = check.Passed && control?.Passed != false;
        ctx.Output.Emit(new SummaryEvent("lab",
        [
            new("lab", Name), new("settings", rows.Count(r => r.Ran)), new("faults", faults), new("messages", exactlyOnce.Produced?.Sent),
            new("exactly_once_duplicates", exactlyOnce.Duplicates), new("exactly_once_lost", exactlyOnce.Lost),
            new("passed", passed), new("elapsed_s", Math.Round(elapsed.TotalSeconds, 1)),
            new("broker", configured is null ? "embedded" : "configured"),
        ]));
        return passed ? ExitCodes.Success : ExitCodes.Failed;
    }
}
