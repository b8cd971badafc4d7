using System.Globalization;
using System.Text;

namespace KafkaDemos.Compare;

/// <summary>One successful run of one contender.</summary>
/// <param name="CpuUsPerRecord">CPU per record the contender reports for its timed section (null: kcat reports none).</param>
/// <param name="ProcessCpuUsPerRecord">CPU of the whole process (start-up included) per record, from the kernel's accounting of the child.</param>
/// <param name="PeakMb">The process's peak resident memory (VmHWM), or null where it could not be read.</param>
internal sealed record RunResult(string Contender, int Round, double MsgPerS, double? CpuUsPerRecord, double? ProcessCpuUsPerRecord, double? PeakMb);

/// <summary>A row of the table and the rows its ratios are taken to: the bare loop, Python and kcat of the same kind.</summary>
internal sealed record Row(string Contender, string? Bare = null, string? Python = null, string? Kcat = null);

/// <summary>The medians, ratios and targets of a comparison, as markdown. Pure: no processes, no clock.</summary>
internal static class Report
{
    public static readonly IReadOnlyList<Row> Rows =
    [
        new("kcat -P"),
        new("Python fire-and-forget", Kcat: "kcat -P"),
        new("bare fire-and-forget", Kcat: "kcat -P"),
        new("demo fire-and-forget", "bare fire-and-forget", "Python fire-and-forget", "kcat -P"),
        new("Python async", Kcat: "kcat -P"),
        new("bare async", Kcat: "kcat -P"),
        new("demo async", "bare async", "Python async", "kcat -P"),
        new("kcat -C"),
        new("bare consume", Kcat: "kcat -C"),
        new("demo consume", "bare consume", Kcat: "kcat -C"),
    ];

    public static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>Median of <paramref name="pick"/> over the contender's runs; null without runs or values.</summary>
    public static double? Median(IReadOnlyList<RunResult> runs, string? contender, Func<RunResult, double?> pick) =>
        contender is null ? null : Median(runs.Where(r => r.Contender == contender).Select(pick).OfType<double>());

    public static double? Ratio(double? value, double? baseline) =>
        value is { } v && baseline is { } b && b > 0 ? v / b : null;

    public static string Table(IReadOnlyList<RunResult> runs, int rounds)
    {
        var text = new StringBuilder();
        text.AppendLine("| contender | median msg/s | min | max | vs bare loop | vs Python | vs kcat | CPU µs/record | CPU vs bare | process CPU µs/record | peak MB |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in Rows)
        {
            var mine = runs.Where(r => r.Contender == row.Contender).ToList();
            if (mine.Count == 0) continue;
            string label = mine.Count == rounds ? row.Contender : $"{row.Contender} ({mine.Count} of {rounds} runs)";
            double? rate = Median(runs, row.Contender, r => r.MsgPerS);
            double? cpu = Median(runs, row.Contender, r => r.CpuUsPerRecord);
            double? peak = mine.Select(r => r.PeakMb).OfType<double>().DefaultIfEmpty(double.NaN).Max();
            text.AppendLine(string.Join(" | ",
                "| " + label,
                Number(rate, "N0"),
                Number(mine.Min(r => r.MsgPerS), "N0"),
                Number(mine.Max(r => r.MsgPerS), "N0"),
                Times(Ratio(rate, Median(runs, row.Bare, r => r.MsgPerS))),
                Times(Ratio(rate, Median(runs, row.Python, r => r.MsgPerS))),
                Times(Ratio(rate, Median(runs, row.Kcat, r => r.MsgPerS))),
                Number(cpu, "0.00"),
                Times(Ratio(cpu, Median(runs, row.Bare, r => r.CpuUsPerRecord))),
                Number(Median(runs, row.Contender, r => r.ProcessCpuUsPerRecord), "0.00"),
                Number(double.IsNaN(peak ?? double.NaN) ? null : peak, "N0")) + " |");
        }
        return text.ToString();
    }

    /// <summary>The project's targets against the medians; null results (a peer not measured) read "not measured".</summary>
    public static string Targets(IReadOnlyList<RunResult> runs, IReadOnlyList<double> helpMs)
    {
        var text = new StringBuilder();
        text.AppendLine("| target | result | met? |");
        text.AppendLine("|---|---:|---|");
        double? Rate(string name) => Median(runs, name, r => r.MsgPerS);
        double? Cpu(string name) => Median(runs, name, r => r.CpuUsPerRecord);
        void Line(string target, double? result, string format, Func<double, bool> met) =>
            text.AppendLine($"| {target} | {(result is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "not measured")} | {(result is { } w ? (met(w) ? "yes" : "no") : "-")} |");

        foreach (string kind in new[] { "async", "fire-and-forget", "consume" })
        {
            Line($"demo {kind} ≥ 0.9x bare {kind} (msg/s)", Ratio(Rate($"demo {kind}"), Rate($"bare {kind}")), "0.00'x'", r => r >= 0.9);
            Line($"demo {kind} CPU µs/record ≤ 1.15x bare {kind}", Ratio(Cpu($"demo {kind}"), Cpu($"bare {kind}")), "0.00'x'", r => r <= 1.15);
        }
        foreach (string kind in new[] { "async", "fire-and-forget" })
            Line($"demo {kind} ≥ 1.0x Python {kind} (msg/s)", Ratio(Rate($"demo {kind}"), Rate($"Python {kind}")), "0.00'x'", r => r >= 1.0);
        double? peak = runs.Where(r => r.Contender.StartsWith("demo ", StringComparison.Ordinal)).Select(r => r.PeakMb).OfType<double>()
            .Select(p => (double?)p).Max();
        Line("demo peak memory < 200 MB (largest of its runs)", peak, "0' MB'", p => p < 200);
        Line("`demo --help` ≤ 150 ms (median)", Median(helpMs), "0' ms'", ms => ms <= 150);
        return text.ToString();
    }

    private static string Number(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Times(double? ratio) => Number(ratio, "0.00") is "-" ? "-" : Number(ratio, "0.00") + "x";
}
