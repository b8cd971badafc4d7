using System.CommandLine;
using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Admin;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Labs.Delivery;

/// <summary>
/// `demo lab delivery`: the course's acks and enable.idempotence slides under faults. The same
/// numbered stream is sent with each setting while the embedded broker injects one seeded schedule
/// of faults, the same for every row; reading the topic back says which numbers arrived once, twice
/// or never. The "idempotence off" row is the control: it shows the duplicates the exactly-once row
/// does not write.
/// </summary>
public static partial class DeliveryLab
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
                        var run = new RowPlan(ctx.Output, ctx.Format == OutputFormat.Text, setting, messages, schedule, control, ctx.Cancellation);
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
}
