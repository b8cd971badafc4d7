using KafkaDemos.Cli;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>
/// One `demo groups watch` run: about once a second it asks the source what the group looks like, adds
/// committed offsets, log ends and rates, and shows the picture (redrawn in place on a terminal, else
/// one picture or one group_state event per refresh). While no broker answers it says since when and
/// keeps the last picture: the group's state is unknown then, not empty, and no rebalance is recorded.
/// Every refresh's group_state and every rebalance go to the <paramref name="observers"/> (the web page) whatever is shown.
/// </summary>
/// <param name="clients">Where the watch's own clients report (on a terminal, their notices are counted, not printed over the view).</param>
/// <param name="view">What the output shows.</param>
internal sealed class GroupWatch(DemoContext ctx, string group, string[] named, IGroupSource source, Confluent.Kafka.IConsumer<Confluent.Kafka.Ignore, byte[]> consumer,
    Reporter clients, WatchView view, params IObserver<DemoEvent>[] observers) : IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Probe = TimeSpan.FromSeconds(2);

    private readonly Dictionary<string, (long Position, DateTime Time)> _previous = [];
    private readonly bool _live = view == WatchView.LiveTable;

    // The live table draws the events itself; otherwise the output prints them as its format does (text: the rebalance lines).
    private readonly Reporter _events = view == WatchView.LiveTable ? Reporter.Silent(observers) : ctx.Output.With(observers);
    private GroupStateEvent? _latest;
    private GroupStateEvent? _lastSeen;
    private DateTime? _unreachableSince;
    private List<string> _partitions = [];
    private string _topicKey = "";

    public int Refreshes { get; private set; }

    public int RebalancesSeen { get; private set; }

    public async Task RunAsync(int? limit)
    {
        // The named topics' partitions are known from the first refresh on; the members' topics join them as they report.
        var topics = named.Distinct().Order(StringComparer.Ordinal).ToList();
        _partitions = WatchConsumer.Partitions(consumer, topics);
        _topicKey = string.Join(",", topics);
        if (!_live)
        {
            while (limit is null || Refreshes < limit) Show(await NextAsync());
            return;
        }
        _latest = Publish(await NextAsync());
        // The picture is redrawn in place by the output's live region; status lines (client
        // warnings, errors) print above it without tearing it.
        using var drawn = ctx.ShowLiveView(() => TableEvent.Render(GroupWatchView.Render(_latest, source.Description, source.Timeline, clients.ClientNoticesHidden)),
            TimeSpan.FromMilliseconds(250));
        while (limit is null || Refreshes < limit) _latest = Publish(await NextAsync());
    }

    private GroupStateEvent Publish(GroupStateEvent state)
    {
        _events.Emit(state);
        return state;
    }

    /// <summary>One refresh: what the source saw in the last second, with committed offsets, log ends and rates.</summary>
    private async Task<GroupStateEvent> NextAsync()
    {
        var started = DateTime.UtcNow;
        if (!WatchConsumer.Reachable(consumer, Probe)) return await UnreachableAsync(started);
        if (_unreachableSince is DateTime since)
        {
            source.Unreachable(since, started);
            _unreachableSince = null;
        }
        GroupPicture picture;
        try
        {
            picture = await source.ReadAsync(_partitions, Refresh, ctx.Cancellation);
        }
        catch (BrokerUnreachableException)
        {
            // The source has just found no broker: shown as such even if one answers again by now,
            // rather than probed again (an outage shorter than the probe would end the watch).
            return await UnreachableAsync(started);
        }
        catch (DemoException) when (!WatchConsumer.Reachable(consumer, Probe))
        {
            return await UnreachableAsync(started);
        }
        var (topics, from) = Topics(picture);
        var before = _partitions;
        string key = string.Join(",", topics);
        if (key != _topicKey)
        {
            _partitions = WatchConsumer.Partitions(consumer, topics);
            _topicKey = key;
        }
        var shown = _partitions.Union(picture.Owners.Keys).OrderBy(p => WatchConsumer.Parse(p).Topic, StringComparer.Ordinal)
            .ThenBy(p => WatchConsumer.Parse(p).Partition.Value).ToList();
        var ends = WatchConsumer.Ends(consumer, shown);
        // Partitions that joined the rows this refresh: the source read no committed offsets for them yet.
        var committedNow = new Dictionary<string, long>(picture.Committed);
        foreach (var (p, offset) in WatchConsumer.Committed(consumer, shown.Except(before).Where(p => !committedNow.ContainsKey(p)).ToList()))
            committedNow[p] = offset;
        var now = picture.Time;
        var rows = shown.Select(p =>
        {
            var owner = picture.Owners.GetValueOrDefault(p);
            long? committed = committedNow.TryGetValue(p, out long c) ? c : null;
            long end = ends.GetValueOrDefault(p, -1);
            return new WatchedPartition(WatchConsumer.Parse(p).Topic, WatchConsumer.Parse(p).Partition.Value, owner?.MemberId, owner?.ClientId,
                committed, end, committed is long cc && end >= 0 ? Math.Max(0, end - cc) : null, Rate(p, picture.Positions.TryGetValue(p, out long pos) ? pos : committed, now));
        }).ToList();

        foreach (var rebalance in picture.Rebalances)
        {
            RebalancesSeen++;
            _events.Emit(rebalance);
        }
        Refreshes++;
        var state = new GroupStateEvent(group, now, source.Name, picture.State, picture.Protocol, picture.Assignor, picture.Generation, picture.Members,
            rows, from, null);
        // A refresh whose log ends went unanswered (the broker went while it asked) is not the picture to keep.
        if (rows.All(r => r.End >= 0)) _lastSeen = state;
        return state;
    }

    /// <summary>A refresh with no broker: since when, and the last full picture seen, its state unknown; the source is not asked, so nobody turns stale.</summary>
    private async Task<GroupStateEvent> UnreachableAsync(DateTime started)
    {
        _unreachableSince ??= started;
        var rest = Refresh - (DateTime.UtcNow - started);
        if (rest > TimeSpan.Zero) await Task.Delay(rest, ctx.Cancellation);
        Refreshes++;
        var last = _lastSeen;
        return new GroupStateEvent(group, DateTime.UtcNow, source.Name, "Unknown", last?.Protocol, last?.Assignor, last?.Generation, last?.Members ?? [],
            [.. (last?.Partitions ?? []).Select(p => p with { RecordsPerS = null })], last?.PartitionsFrom ?? [], _unreachableSince);
    }

    /// <summary>
    /// The topics whose partitions are rows, and where they come from: the live members' topics; the
    /// group's committed offsets (with no live member the only place to find them: before the first
    /// consumer starts, after the last one stops); --topic.
    /// </summary>
    private (List<string> Topics, List<string> From) Topics(GroupPicture picture)
    {
        var committed = picture.Committed.Keys.Select(p => WatchConsumer.Parse(p).Topic).ToList();
        if (picture.Topics.Count == 0) committed.AddRange(WatchConsumer.CommittedTopics(consumer));
        var extra = committed.Except(picture.Topics).Except(named).ToList();
        var from = new List<string>();
        if (picture.Topics.Count > 0) from.Add("members");
        if (extra.Count > 0) from.Add("committed_offsets");
        if (named.Length > 0) from.Add("topic_option");
        return (picture.Topics.Union(extra).Union(named).Distinct().Order(StringComparer.Ordinal).ToList(), from);
    }

    /// <summary>Records per second since the previous refresh: members' positions where they report them, else the committed offset.</summary>
    private double? Rate(string partition, long? position, DateTime now)
    {
        if (position is not long p) return null;
        double? rate = _previous.TryGetValue(partition, out var before) && now > before.Time
            ? Math.Round(Math.Max(0, p - before.Position) / (now - before.Time).TotalSeconds, 1)
            : null;
        _previous[partition] = (p, now);
        return rate;
    }

    private void Show(GroupStateEvent state)
    {
        _events.Emit(state);
        if (view == WatchView.Pictures)
            ctx.Output.Emit(new GroupWatchCommand.TableViewEvent(GroupWatchView.Render(state, source.Description, source.Timeline, clients.ClientNoticesHidden)));
    }

    public void Dispose()
    {
        consumer.Close();
        consumer.Dispose();
    }
}

/// <summary>What `demo groups watch` shows on its output.</summary>
internal enum WatchView
{
    /// <summary>The picture redrawn in place (text output on a terminal stdout).</summary>
    LiveTable,

    /// <summary>One picture per refresh (text output to a file or a pipe).</summary>
    Pictures,

    /// <summary>The events as the output writes them: every one in JSON, the rebalance lines in text (beside the web page's status line).</summary>
    Events,
}
