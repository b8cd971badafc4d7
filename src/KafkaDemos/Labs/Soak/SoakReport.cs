using KafkaDemos.Cli;
using KafkaDemos.Core;
using KafkaDemos.Producers;

namespace KafkaDemos.Labs.Soak;

/// <summary>What a soak run ends with: the final check, the producer's result, memory, the chaos carried out, the stalls, the ledger's size.</summary>
public sealed record SoakOutcome(
    SoakVerdict Verdict,
    ProduceResult Produced,
    IReadOnlyList<MemoryRow> Memory,
    TimeSpan Elapsed,
    IReadOnlyList<ChaosEvent> Chaos,
    IReadOnlyList<string> Stalls,
    (long Processings, long Numbers, long Bytes) Ledger);

/// <summary>The soak lab's checks, its two tables and its summary; the exit code follows the checks.</summary>
public static class SoakReport
{
    public static int Emit(DemoContext ctx, SoakSettings settings, bool embedded, SoakOutcome outcome)
    {
        var (v, produced, memory, elapsed, chaos, stalls, ledger) = outcome;
        var checks = new List<CheckEvent>
        {
            new(SoakLab.Name, "every acknowledged record was processed at least once", v.Lost == 0,
                v.Lost == 0 ? $"{v.Acked:N0} acknowledged" : $"{v.Lost:N0} of {v.Acked:N0} never processed, e.g. soak_{string.Join(", soak_", v.LostSample)}"),
            new(SoakLab.Name, "every record in the log was processed by some member", v.LogUnprocessed == 0,
                v.LogUnprocessed == 0 ? $"{v.LogRecords:N0} records read back" : $"{v.LogUnprocessed:N0} not processed, e.g. partition@offset {string.Join(", ", v.LogUnprocessedSample)}"),
            new(SoakLab.Name, "every duplicate is explained by an event", v.UnexplainedCount == 0,
                v.UnexplainedCount == 0 ? $"{v.Duplicates:N0} duplicates" : $"{v.UnexplainedCount:N0} unexplained, e.g. soak_{v.Unexplained[0].Number} at {v.Unexplained[0].Partition}@{v.Unexplained[0].Offset}: {v.Unexplained[0].Why}"),
            new(SoakLab.Name, "the group's committed offset of every partition is at the log end", v.CommittedAtLogEnd,
                string.Join(", ", v.Partitions.Select(p => $"{p.Partition}: {(p.Committed is long c ? c.ToString("N0") : "none")}/{p.High:N0}"))),
            new(SoakLab.Name, "every record sent got an answer (acknowledged or failed)", produced.NotDelivered == 0 && produced.FatalError is null,
                $"sent {produced.Sent:N0}, acknowledged {produced.Delivered:N0}, failed {produced.Failed:N0}, no answer {produced.NotDelivered:N0}" +
                (produced.FatalError is null ? "" : $", fatal error: {produced.FatalError}")),
        };
        foreach (var check in checks) ctx.Output.Emit(check);

        var byKind = chaos.GroupBy(c => c.Action).ToDictionary(g => g.Key, g => g.Count());
        string latency = v.MaxProduceToProcess is TimeSpan t ? $"{t.TotalSeconds:0.00} s" : "-";
        var rows = new List<IReadOnlyList<object?>>
        {
            Row("run", $"{elapsed.TotalSeconds:0} s at {settings.Rate:N0}/s, {settings.Consumers} members --commit {settings.Strategy}, group.protocol={settings.Protocol}, seed {settings.Seed}" +
                       (settings.Break ? ", --break acks0" : "")),
            Row("sent / acknowledged / failed", $"{produced.Sent:N0} / {v.Acked:N0} / {v.FailedDeliveries:N0}"),
            Row("processed (distinct records)", $"{v.ProcessedDistinct:N0}"),
            Row("lost (acknowledged, never processed)", $"{v.Lost:N0}"),
            Row("duplicates (processed again)", $"{v.Duplicates:N0}, {v.Duplicates - v.UnexplainedCount:N0} explained, {v.UnexplainedCount:N0} unexplained"),
        };
        rows.AddRange(v.ExplainedBy.OrderByDescending(e => e.Value).Select(e => Row($"  explained: {e.Key}", $"{e.Value:N0}")));
        rows.Add(Row("log records read back / not processed", $"{v.LogRecords:N0} / {v.LogUnprocessed:N0}"));
        rows.Add(Row("committed at log end", v.CommittedAtLogEnd ? "yes, every partition" : "NO"));
        rows.Add(Row("refused commits", $"{v.CommitFailures:N0}"));
        rows.Add(Row("max produce-to-process", latency));
        rows.Add(Row("stalled partitions after the producer stopped (owner restarted)", stalls.Count == 0 ? "none" : string.Join("; ", stalls)));
        rows.Add(Row("chaos actions", chaos.Count == 0 ? "none" : string.Join(", ", byKind.Select(k => $"{k.Value} {k.Key}"))));
        ctx.Output.Emit(new TableEvent("Soak lab", ["Measure", "Value"], rows));

        var compared = memory.Where(m => m.Growth is not null).ToList();
        var brief = memory.Where(m => m.Growth is null).ToList();
        var memoryRows = compared.Select(m => (IReadOnlyList<object?>)
        [
            m.Process, $"{m.Life.TotalSeconds:0} s", Mb(m.PeakBytes), Mb(m.FirstQuarterPeak), Mb(m.LastQuarterPeak), Mb(m.Growth),
            m.GrowthPercent is double g ? Math.Round(g, 1) : null,
        ]).ToList();
        if (brief.Count > 0)
            memoryRows.Add([$"{brief.Count} member processes alive less than {SoakMemory.MinimumLife.TotalSeconds:0} s", "-", Mb(brief.Max(m => m.PeakBytes)), null, null, null, null]);
        ctx.Output.Emit(new TableEvent("Memory (working set, sampled every second; quarters of each process's own life)",
            ["Process", "Alive", "Peak MB", "First quarter MB", "Last quarter MB", "Growth MB", "Growth pct"], memoryRows));
        ctx.Info($"Growth compares the peak working set of the last quarter of each process's life with its first quarter; a leak grows it " +
                 $"the longer the process runs. The lab process grows by design: its ledger of every record ({ledger.Processings:N0} processings, " +
                 $"{ledger.Numbers:N0} acknowledged numbers) takes about {Mb(ledger.Bytes)} MB, and the embedded broker, when it runs one, holds the log " +
                 "until its retention (about 5 MiB per partition) caps it.");

        bool passed = checks.All(c => c.Passed);
        ctx.Output.Emit(new SummaryEvent("lab",
        [
            new("lab", SoakLab.Name), new("duration_s", Math.Round(elapsed.TotalSeconds, 1)), new("rate", settings.Rate),
            new("consumers", settings.Consumers), new("strategy", settings.Strategy), new("group_protocol", settings.Protocol),
            new("seed", settings.Seed), new("break", settings.Break ? "acks0" : null),
            new("sent", produced.Sent), new("acked", v.Acked), new("failed_deliveries", v.FailedDeliveries),
            new("processed", v.ProcessedDistinct), new("lost", v.Lost), new("duplicates", v.Duplicates),
            new("duplicates_explained", v.Duplicates - v.UnexplainedCount), new("duplicates_unexplained", v.UnexplainedCount),
            new("explained_by", v.ExplainedBy), new("log_records", v.LogRecords), new("log_unprocessed", v.LogUnprocessed),
            new("committed_at_log_end", v.CommittedAtLogEnd), new("commit_failures", v.CommitFailures),
            new("max_produce_to_process_ms", v.MaxProduceToProcess is TimeSpan m ? Math.Round(m.TotalMilliseconds, 1) : null),
            new("chaos", byKind), new("chaos_actions", chaos.Count), new("stalls", stalls),
            new("memory", memory.ToDictionary(r => r.Process, r => new Dictionary<string, object?>
            {
                ["alive_s"] = Math.Round(r.Life.TotalSeconds), ["peak_mb"] = Mb(r.PeakBytes), ["growth_mb"] = Mb(r.Growth),
            })),
            new("ledger_mb", Mb(ledger.Bytes)),
            new("broker", embedded ? "embedded" : "configured"), new("passed", passed),
        ]));
        ctx.Info(passed ? "Every check held." : v.Lost > 0 ? $"{v.Lost:N0} acknowledged record(s) were lost: see the checks marked ✘ above." : "Some checks failed: see the checks marked ✘ above.");
        return passed ? ExitCodes.Success : ExitCodes.Failed;
    }

    private static IReadOnlyList<object?> Row(string measure, string value) => [measure, value];

    private static double? Mb(long? bytes) => bytes is long b ? Math.Round(b / 1048576.0, 1) : null;
}
