using System.Globalization;
using KafkaDemos.Core;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KafkaDemos.Admin;

/// <summary>
/// The picture `demo groups watch` draws each refresh: a line with the group's state, protocol,
/// assignor and generation; per partition its owner, committed offset, log end, lag and records/s;
/// the members; and the last rebalances (when, how long until every partition was owned again,
/// what moved from whom to whom).
/// </summary>
public static class GroupWatchView
{
    public static IRenderable Render(GroupStateEvent state, string sourceDescription, IReadOnlyList<RebalanceEvent> timeline, long clientNoticesHidden = 0)
    {
        var header = new Markup(
            $"[bold]Group {Markup.Escape(state.Group)}[/]  state [bold]{Markup.Escape(state.State)}[/]  protocol {Markup.Escape(state.Protocol ?? "-")}  " +
            $"assignor {Markup.Escape(state.Assignor ?? "-")}  generation {state.Generation?.ToString(CultureInfo.InvariantCulture) ?? "-"}  " +
            $"[grey]{state.Time.ToLocalTime():HH:mm:ss} · {Markup.Escape(sourceDescription)} · Ctrl+C leaves[/]");

        var rowsFrom = new Markup($"[grey]{Markup.Escape(RowsFrom(state.PartitionsFrom))}[/]" + Broker(state, clientNoticesHidden));
        var partitions = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Partitions") };
        foreach (string column in new[] { "Partition", "Owner (member · client)", "Committed", "Log end", "Lag", "Records/s" })
            partitions.AddColumn(column);
        foreach (var p in state.Partitions)
        {
            partitions.AddRow(
                Markup.Escape(p.Name),
                p.Owner is null ? "[red]no owner[/]" : Markup.Escape($"{RebalanceEvent.Short(p.Owner)} · {p.ClientId}"),
                Number(p.Committed), p.End >= 0 ? Number(p.End) : "?", Number(p.Lag),
                p.RecordsPerS is double r ? r.ToString("0.#", CultureInfo.InvariantCulture) : "-");
        }

        var members = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Members") };
        foreach (string column in new[] { "Member", "Client", "Partitions", "Consumed", "Last report" })
            members.AddColumn(column);
        foreach (var m in state.Members)
        {
            members.AddRow(
                Markup.Escape(m.MemberId.Length == 0 ? "(joining)" : RebalanceEvent.Short(m.MemberId)),
                Markup.Escape(m.ClientId),
                Markup.Escape("[" + string.Join(", ", m.Partitions.Select(p => p.Partition.Value)) + "]"),
                Number(m.Consumed),
                m.LastReportS is double s ? (m.Stale ? $"[red]{s:0.0} s ago: stale[/]" : $"{s:0.0} s ago") : "-");
        }

        var rebalances = new Table { Border = TableBorder.Rounded, Title = new TableTitle("Last rebalances") };
        foreach (string column in new[] { "When", "Until every partition owned", "Moved" })
            rebalances.AddColumn(column);
        foreach (var r in timeline)
            rebalances.AddRow(
                $"{r.Started.ToLocalTime():HH:mm:ss.f}",
                $"{r.DurationS.ToString("0.0", CultureInfo.InvariantCulture)} s",
                Markup.Escape(r.Moves.Count == 0 ? "nothing" : string.Join(", ", r.Moves.Select(RebalanceEvent.Describe))));
        if (timeline.Count == 0) rebalances.AddRow("-", "-", "none seen yet");

        return new Rows(header, rowsFrom, partitions, members, rebalances);
    }

    /// <summary>While no broker answers: since when (the picture is the last one seen); the client warnings not printed over the view.</summary>
    private static string Broker(GroupStateEvent state, long clientNoticesHidden)
    {
        string unreachable = state.BrokerUnreachableSince is DateTime since
            ? $"{Environment.NewLine}[red bold]broker unreachable since {since.ToLocalTime():HH:mm:ss}[/][red]: state unknown, the rest is the last picture seen[/]"
            : "";
        string hidden = clientNoticesHidden > 0 ? $"{Environment.NewLine}[grey]{clientNoticesHidden} client warning(s) not shown over the view[/]" : "";
        return unreachable + hidden;
    }

    /// <summary>The line under the header that says where the partition rows come from.</summary>
    public static string RowsFrom(IReadOnlyList<string> from)
    {
        if (from.Count == 0) return "No partitions to show: no live member, no committed offsets; --topic NAME shows a topic's partitions";
        var said = from.Select(f => f switch
        {
            "members" => "the topics the live members subscribe to",
            "committed_offsets" => "the topics the group has committed offsets on",
            "topic_option" => "--topic",
            _ => f,
        });
        return "Partitions of " + string.Join(", ", said) + (from.Contains("members") ? "" : " (no live member)");
    }

    private static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "-";
}
