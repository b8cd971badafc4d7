using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>
/// The group as the broker describes it (DescribeConsumerGroups: members, their assignments, state,
/// protocol type, assignor) with its committed offsets (ListConsumerGroupOffsets): what Apache Kafka
/// offers. Asked once per refresh, so a rebalance is timed to the refresh it was first seen in.
/// DescribeGroups does not carry the generation: the view shows it as unknown.
/// </summary>
public sealed class GroupApiSource(AdminClientConfig config, string group, Reporter reporter) : IGroupSource
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    private readonly IAdminClient _admin = new AdminClientBuilder(config).SetLogHandler(ClientLog.Handler<IAdminClient>(reporter)).Build();
    private readonly RebalanceTimeline _timeline = new(group);

    public string Name => "group_api";

    public string Description => "owners from the broker's DescribeGroups";

    public IReadOnlyList<RebalanceEvent> Timeline => _timeline.Recent;

    public async Task<GroupPicture> ReadAsync(IReadOnlyList<string> partitions, TimeSpan budget, CancellationToken cancel)
    {
        var started = DateTime.UtcNow;
        ConsumerGroupDescription description;
        List<ListConsumerGroupOffsetsResult> offsets;
        try
        {
            var described = await _admin.DescribeConsumerGroupsAsync([group], new DescribeConsumerGroupsOptions { RequestTimeout = RequestTimeout })
                .WaitAsync(RequestTimeout + TimeSpan.FromSeconds(1), cancel);
            description = described.ConsumerGroupDescriptions.Single();
            offsets = await _admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, null)],
                    new ListConsumerGroupOffsetsOptions { RequestTimeout = RequestTimeout })
                .WaitAsync(RequestTimeout + TimeSpan.FromSeconds(1), cancel);
        }
        catch (TimeoutException e)
        {
            throw new DemoException($"The broker did not describe group '{group}' within {RequestTimeout.TotalSeconds + 1:0} s; is it still up?", ExitCodes.Failed, e);
        }
        var committed = offsets.SelectMany(o => o.Partitions)
            .Where(p => p.Offset.Value >= 0)
            .ToDictionary(p => $"{p.Topic}-{p.Partition.Value}", p => p.Offset.Value);

        var owned = description.Members
            .SelectMany(m => (m.Assignment?.TopicPartitions ?? []).Select(tp => (Name: $"{tp.Topic}-{tp.Partition.Value}", Owner: new PartitionOwner(m.ConsumerId, m.ClientId))))
            .ToList();
        // The members' topics; the watch adds the topics of the committed offsets.
        var topics = owned.Select(o => WatchConsumer.Parse(o.Name).Topic).Distinct().Order(StringComparer.Ordinal).ToList();
        var watched = partitions.Union(owned.Select(o => o.Name)).ToList();
        var owners = watched.ToDictionary(p => p, p => (IReadOnlyList<PartitionOwner>)owned.Where(o => o.Name == p).Select(o => o.Owner).ToList());
        bool stable = description.State == ConsumerGroupState.Stable;
        var now = DateTime.UtcNow;
        var completed = _timeline.Observe(now, owners, description.Members.Count, membersPending: !stable && description.Members.Count > 0, generation: null);

        var members = description.Members
            .OrderBy(m => m.ClientId, StringComparer.Ordinal).ThenBy(m => m.ConsumerId, StringComparer.Ordinal)
            .Select(m => new WatchedMember(m.ConsumerId, m.ClientId,
                ConsumerEvent.Sorted(m.Assignment?.TopicPartitions ?? []), null, null, false))
            .ToList();
        string protocol = description.GroupType switch
        {
            ConsumerGroupType.Consumer => "consumer",
            ConsumerGroupType.Classic => "classic",
            _ => description.GroupType.ToString().ToLowerInvariant(),
        };
        // Spend the rest of the refresh waiting, so the view refreshes about once a second.
        var rest = budget - (DateTime.UtcNow - started);
        if (rest > TimeSpan.Zero) await Task.Delay(rest, cancel);
        return new GroupPicture(now, description.State.ToString(), protocol,
            string.IsNullOrEmpty(description.PartitionAssignor) ? null : description.PartitionAssignor, null, members,
            owners.Where(o => o.Value.Count == 1).ToDictionary(o => o.Key, o => o.Value[0]), topics,
            new Dictionary<string, long>(), committed, completed is null ? [] : [completed]);
    }

    /// <summary>DescribeGroups says who is in the group after an outage as before: nothing to allow for.</summary>
    public void Unreachable(DateTime since, DateTime until)
    {
    }

    public void Dispose() => _admin.Dispose();
}
