using Confluent.Kafka;
using KafkaDemos.Admin;

namespace KafkaDemos.Consumers;

/// <summary>What the flags of `demo consume` say about member status reports.</summary>
public enum StatusReportRequest
{
    /// <summary>No flag: report only where the broker cannot describe groups.</summary>
    Auto,

    /// <summary>--report-status or --status-topic NAME: report whatever the broker can do.</summary>
    On,

    /// <summary>--no-status-report.</summary>
    Off,
}

/// <summary>
/// Whether this member reports its status for `demo groups watch`, and why. The reports cost a second
/// client (a producer) and, for the generation, a read of Confluent.Kafka's internals; watch needs
/// them only where the broker cannot describe groups (the embedded broker). So unless asked, the
/// member asks the broker the question watch asks (DescribeConsumerGroups, bounded) and reports only
/// where the answer is "cannot". A broker that gives no answer in time counts as "cannot": watch falls
/// back to the reports on that same answer, so the members must be reporting then.
/// </summary>
public sealed record StatusReportChoice(string? Topic, string Reason)
{
    /// <summary>
    /// Bound of the probe. The broker answered the preflight already; a broker without DescribeGroups
    /// is refused by the client itself, at once, so only a stalled broker ever waits this long.
    /// </summary>
    public static readonly TimeSpan ProbeBound = TimeSpan.FromSeconds(3);

    /// <summary>Asks <paramref name="admin"/>'s broker whether it describes <paramref name="group"/>.</summary>
    public static Task<StatusReportChoice> DecideAsync(StatusReportRequest request, string topic, AdminClientConfig admin, string group, CancellationToken cancel) =>
        DecideAsync(request, topic, c => GroupOffsets.DescribeAsync(admin, group, c, ProbeBound), cancel);

    /// <summary>
    /// The choice for <paramref name="request"/>; <paramref name="probe"/> is asked only when no flag decides,
    /// and tests give it the answer of a broker this machine does not have.
    /// </summary>
    public static async Task<StatusReportChoice> DecideAsync(StatusReportRequest request, string topic, Func<CancellationToken, Task<GroupMembers>> probe, CancellationToken cancel)
    {
        switch (request)
        {
            case StatusReportRequest.Off:
                return new(null, "Status reports: off (--no-status-report); `demo groups watch` on a broker without DescribeGroups cannot see this member.");
            case StatusReportRequest.On:
                return new(topic, $"Status reports: on, to topic {topic}, as asked (--report-status / --status-topic).");
        }
        var answer = await probe(cancel);
        return answer.Supported
            ? new(null, "Status reports: off: the broker describes groups, so `demo groups watch` asks it (--report-status turns them on).")
            : new(topic, $"Status reports: on, to topic {topic}: the broker cannot describe groups ({answer.Unavailable}), " +
                         "so `demo groups watch` reads the members' reports (--no-status-report turns them off).");
    }
}
