using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Core;
using KafkaDemos.Producers;

namespace KafkaDemos.Labs.Delivery;

/// <summary>What the lab reports: each setting's row, the exactly-once and idempotence-off checks, and the final table and summary.</summary>
public static partial class DeliveryLab
{
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
