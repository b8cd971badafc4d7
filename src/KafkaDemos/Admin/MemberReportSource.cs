using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>
/// The group as its `demo consume` members report it on the status topic, for brokers without
/// DescribeGroups. The watcher assigns itself the status partition (no subscribe, so it never joins
/// any group), starts a few seconds back so every running member's latest report is seen, and
/// replays the reports in order: each one that changes ownership is an observation for the rebalance
/// timeline, timed by the member's own clock. A member whose reports stop (a crash, a kill) counts
/// as stale after <see cref="StaleAfter"/> and owns nothing from then on.
/// </summary>
public sealed class MemberReportSource : IGroupSource
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Lookback = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>As long as the watch's own probe: a broker that answers metadata within it is up.</summary>
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(2);

    /// <summary>After an outage the members' clients reconnect with a backoff (reconnect.backoff.max.ms, 10 s by default).</summary>
    private static readonly TimeSpan ReconnectGrace = TimeSpan.FromSeconds(10);

    private readonly string _group;
    private readonly string _topic;
    private readonly IConsumer<Ignore, byte[]> _consumer;
    private readonly Dictionary<string, MemberStatusReport> _members = [];
    private readonly RebalanceTimeline _timeline;
    private readonly List<RebalanceEvent> _completed = [];
    private readonly List<(DateTime From, DateTime Until)> _outages = [];
    private IReadOnlyList<string> _partitions = [];
    private bool _primed;
    private int _unprimedRefreshes;
    private DateTime _newest = DateTime.MinValue;
    private volatile bool _allBrokersDown;

    public MemberReportSource(ConsumerConfig baseConfig, string group, string statusTopic, Reporter reporter)
    {
        _group = group;
        _topic = statusTopic;
        _timeline = new RebalanceTimeline(group);
        _consumer = WatchConsumer.Build(baseConfig, group, reporter, OnError);
        var partition = new TopicPartition(statusTopic, 0);
        _consumer.Assign(new TopicPartitionOffset(partition, StartOffset(partition)));
    }

    public string Name => "member_reports";

    public string Description => $"owners as the members report them on {_topic} (this broker has no DescribeGroups)";

    public IReadOnlyList<RebalanceEvent> Timeline => _timeline.Recent;

    /// <summary>
    /// The client says every broker it knows went away (a killed broker closes its connections at once):
    /// the read stops there rather than wait out the per-call timeouts that follow it.
    /// </summary>
    private void OnError(Error error)
    {
        if (error.Code == ErrorCode.Local_AllBrokersDown) _allBrokersDown = true;
    }

    /// <summary>The first report newer than the lookback, or the beginning when the topic is new (nothing reported yet).</summary>
    private Offset StartOffset(TopicPartition partition)
    {
        try
        {
            var since = new TopicPartitionTimestamp(partition, new Timestamp(DateTime.UtcNow - Lookback));
            var found = _consumer.OffsetsForTimes([since], TimeSpan.FromSeconds(5)).Single();
            return found.Offset.Value >= 0 ? found.Offset : Offset.End;
        }
        catch (KafkaException)
        {
            return Offset.Beginning;
        }
    }

    public Task<GroupPicture> ReadAsync(IReadOnlyList<string> partitions, TimeSpan budget, CancellationToken cancel)
    {
        _partitions = partitions;
        var until = DateTime.UtcNow + budget;
        while (DateTime.UtcNow < until && !cancel.IsCancellationRequested)
        {
            if (_allBrokersDown) ConfirmBrokersDown();
            ConsumeResult<Ignore, byte[]>? record;
            try
            {
                record = _consumer.Consume(PollTimeout);
            }
            catch (ConsumeException)
            {
                // The status topic does not exist until the first member reports: keep waiting.
                continue;
            }
            if (record?.Message is null || record.IsPartitionEOF) continue;
            if (MemberStatusReport.Parse(record.Message.Value) is not { } report || report.Group != _group) continue;
            _members[report.Instance] = report;
            if (report.Time > _newest) _newest = report.Time;
            if (_primed) Observe(report.Time);
        }
        cancel.ThrowIfCancellationRequested();
        // Silence means a member stopped only once every report written so far has been read: a watcher
        // that fell behind (a busy machine) judges by the newest report it has, so nobody looks stale
        // merely because their reports are still in flight.
        var now = CaughtUp() ? DateTime.UtcNow : _newest;
        // The first full picture (every partition of the members' topics known) is where the timeline
        // starts; later refreshes notice members gone silent.
        if (_primed || ++_unprimedRefreshes > 3 || Complete(now))
        {
            Observe(now);
            _primed = true;
        }
        var picture = Picture(now);
        _completed.Clear();
        return Task.FromResult(picture);
    }

    /// <summary>
    /// The error is told when it is served, maybe long after it happened (the client is not polled
    /// while no broker answers): a metadata request says whether it still holds.
    /// </summary>
    private void ConfirmBrokersDown()
    {
        _allBrokersDown = false;
        if (!WatchConsumer.Reachable(_consumer, Probe))
            throw new BrokerUnreachableException($"No broker answers (the client lost every connection while reading {_topic}).");
    }

    /// <summary>True when the partitions of every topic the live members subscribe to are known.</summary>
    private bool Complete(DateTime now) =>
        Live(now).SelectMany(m => m.Topics).Distinct().All(t => _partitions.Any(p => IsPartitionOf(p, t)));

    private bool CaughtUp()
    {
        var partition = new TopicPartition(_topic, 0);
        long end = _consumer.GetWatermarkOffsets(partition).High.Value;
        long position = _consumer.Position(partition).Value;
        return end < 0 || position < 0 || position >= end;
    }

    private IEnumerable<MemberStatusReport> Live(DateTime now) =>
        _members.Values.Where(m => m.Change != "left" && Silent(m, now) < StaleAfter);

    /// <summary>
    /// How long the member has been silent while it could have reported: time with no broker (and the
    /// reconnect after it) does not count, so an outage makes nobody stale.
    /// </summary>
    private TimeSpan Silent(MemberStatusReport m, DateTime now)
    {
        var silent = now - m.Time;
        foreach (var (from, until) in _outages)
        {
            var start = from > m.Time ? from : m.Time;
            var end = until < now ? until : now;
            if (end > start) silent -= end - start;
        }
        return silent;
    }

    public void Unreachable(DateTime since, DateTime until) => _outages.Add((since, until + ReconnectGrace));

    private void Observe(DateTime time)
    {
        var live = Live(time).ToList();
        var owners = Owners(live);
        bool pending = live.Any(Pending);
        int? generation = live.Max(m => m.Generation);
        if (_timeline.Observe(time, owners, live.Count, pending, generation) is { } done) _completed.Add(done);
    }

    /// <summary>
    /// Still waiting for its first assignment. The classic protocol always calls the assigned handler
    /// (with [] for a member beyond the partition count); under the consumer protocol a member given
    /// nothing hears nothing, so there its member epoch says it has joined.
    /// </summary>
    private static bool Pending(MemberStatusReport m) =>
        m.Change == "joining" && (m.Protocol != "consumer" || m.Generation is null or 0);

    private Dictionary<string, IReadOnlyList<PartitionOwner>> Owners(List<MemberStatusReport> live)
    {
        var owners = WatchedPartitions(live).ToDictionary(p => p, _ => (IReadOnlyList<PartitionOwner>)new List<PartitionOwner>());
        foreach (var m in live)
            foreach (var p in m.Partitions)
                owners[p.Name] = [.. owners.GetValueOrDefault(p.Name) ?? [], new PartitionOwner(m.MemberId, m.ClientId)];
        return owners;
    }

    /// <summary>Every partition of the subscribed topics, plus any a member claims (a topic the metadata did not list yet).</summary>
    private IEnumerable<string> WatchedPartitions(List<MemberStatusReport> live) =>
        _partitions.Where(p => live.Any(m => m.Topics.Any(t => IsPartitionOf(p, t))))
            .Union(live.SelectMany(m => m.Partitions.Select(p => p.Name)));

    private static bool IsPartitionOf(string partition, string topic) => TopicPartitionJsonConverter.Parse(partition)?.Topic == topic;

    private GroupPicture Picture(DateTime now)
    {
        var live = Live(now).ToList();
        var owners = Owners(live);
        var single = owners.Where(o => o.Value.Count == 1).ToDictionary(o => o.Key, o => o.Value[0]);
        bool pending = live.Any(Pending);
        string state = live.Count == 0 ? "Empty"
            : !pending && owners.Values.All(o => o.Count == 1) ? "Stable"
            : "Rebalancing";
        var members = _members.Values
            .Where(m => m.Change != "left")
            .OrderBy(m => m.ClientId, StringComparer.Ordinal).ThenBy(m => m.MemberId, StringComparer.Ordinal)
            .Select(m => new WatchedMember(m.MemberId, m.ClientId, m.Partitions.Select(p => new TopicPartition(p.Topic, p.Partition)).ToList(), m.Consumed,
                Math.Round((now - m.Time).TotalSeconds, 1), Silent(m, now) >= StaleAfter))
            .ToList();
        var positions = live.SelectMany(m => m.Partitions).Where(p => p.Position is not null)
            .GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.Max(p => p.Position!.Value));
        var topics = live.SelectMany(m => m.Topics).Distinct().Order(StringComparer.Ordinal).ToList();
        var committed = WatchConsumer.Committed(_consumer, _partitions);
        return new GroupPicture(now, state, Agreed(live.Select(m => m.Protocol)), Agreed(live.Select(m => m.Assignor)),
            live.Max(m => m.Generation), members, single, topics, positions, committed, _completed.ToList());
    }

    /// <summary>The value every live member reports, "mixed (a, b)" when they differ, null when none does.</summary>
    private static string? Agreed(IEnumerable<string?> values)
    {
        var distinct = values.OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        return distinct.Count switch { 0 => null, 1 => distinct[0], _ => $"mixed ({string.Join(", ", distinct)})" };
    }

    public void Dispose()
    {
        // Assigned, never subscribed: closing leaves no group because it joined none.
        _consumer.Close();
        _consumer.Dispose();
    }
}
