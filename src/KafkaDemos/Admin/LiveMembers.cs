using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>Who is in a group right now, found out without joining it (a join would make its members give up their partitions).</summary>
/// <param name="Live">One line naming the live members, or null when none was seen.</param>
/// <param name="Listed">True when the broker listed the members itself (DescribeGroups); false when only their status reports were read.</param>
public sealed record LiveMembers(string? Live, bool Listed)
{
    private static readonly TimeSpan DescribeBound = TimeSpan.FromSeconds(5);

    /// <summary>Members report about once a second: two seconds of reports show every live one.</summary>
    private static readonly TimeSpan ReportWindow = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Asks the broker (DescribeGroups); a broker without it (the embedded one) is answered from the
    /// members' status reports, which `demo consume` sends there by default.
    /// </summary>
    public static async Task<LiveMembers> FindAsync(DemoConfiguration config, string group, CancellationToken cancel)
    {
        var members = await GroupOffsets.DescribeAsync(config.AdminConfig(), group, cancel, DescribeBound);
        if (members.Description is { } d)
            return new(d.Members.Count > 0 ? $"{d.Members.Count} active member(s) (state {d.State})" : null, true);

        using var reports = new MemberReportSource(config.ConsumerConfig(), group, MemberStatusReport.DefaultTopic, Reporter.Silent());
        var picture = await reports.ReadAsync([], ReportWindow, cancel);
        var live = picture.Members.Where(m => !m.Stale).ToList();
        return new(live.Count > 0 ? $"{live.Count} member(s) reporting their status ({string.Join(", ", live.Select(m => m.ClientId).Distinct())})" : null, false);
    }
}
