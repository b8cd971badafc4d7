using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>One partition of a group: committed offset (null: none), the log's start and end, and the lag.</summary>
public sealed record PartitionPosition(TopicPartition Partition, long? Committed, long Low, long High)
{
    /// <summary>Records still to read: log end minus committed (null when nothing is committed).</summary>
    public long? Lag => Committed is long c ? Math.Max(0, High - c) : null;
}

/// <summary>What the broker said about a group's members: the members, or why it could not tell.</summary>
public sealed record GroupMembers(ConsumerGroupDescription? Description, string? Unavailable, bool Supported = false)
{
    public bool Known => Description is not null;
}

/// <summary>
/// Group queries that work on every broker (committed offsets through a consumer carrying the
/// group's id, watermarks) and those that need the group admin API (members), each bounded.
/// </summary>
public static class GroupOffsets
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Committed offsets of <paramref name="group"/> and the watermarks of <paramref name="partitions"/>.
    /// A consumer with the group's id that never subscribes reads them without joining the group
    /// (OffsetFetch), which every broker supports, the embedded one included.
    /// </summary>
    /// <param name="committedOnly">Only the partitions the group has committed on: their watermarks alone are asked for, one round trip each.</param>
    public static IReadOnlyList<PartitionPosition> Read(ConsumerConfig baseConfig, string group, IReadOnlyList<TopicPartition> partitions, Reporter reporter, bool committedOnly = false)
    {
        using var consumer = GroupConsumer(baseConfig, group, reporter);
        var committed = consumer.Committed(partitions, Timeout).ToDictionary(p => p.TopicPartition, p => p.Offset);
        if (committedOnly) partitions = [.. partitions.Where(p => committed.TryGetValue(p, out var o) && o.Value >= 0)];
        return partitions.Select(p =>
        {
            var marks = consumer.QueryWatermarkOffsets(p, Timeout);
            long? c = committed.TryGetValue(p, out var o) && o.Value >= 0 ? o.Value : null;
            return new PartitionPosition(p, c, marks.Low.Value, marks.High.Value);
        }).ToList();
    }

    /// <summary>
    /// Commits offsets for the group outside any rebalance: a consumer with the group's id assigns
    /// itself the partitions and commits, which brokers accept for a group without members. A broker
    /// that accepts commits only from members (the embedded one, once the group has existed) gets a
    /// short-lived member instead when <paramref name="mayJoin"/>: it joins, and commits only if it was
    /// given every partition, that is if no other member is active.
    /// </summary>
    public static void Commit(ConsumerConfig baseConfig, string group, IReadOnlyList<TopicPartitionOffset> offsets, Reporter reporter, bool mayJoin)
    {
        using (var consumer = GroupConsumer(baseConfig, group, reporter))
        {
            try
            {
                consumer.Assign(offsets);
                consumer.Commit(offsets);
                consumer.Close();
                return;
            }
            catch (KafkaException e) when (mayJoin && e.Error.Code is ErrorCode.UnknownMemberId or ErrorCode.IllegalGeneration)
            {
                consumer.Close();
            }
        }
        CommitAsMember(baseConfig, group, offsets, reporter);
    }

    private static void CommitAsMember(ConsumerConfig baseConfig, string group, IReadOnlyList<TopicPartitionOffset> offsets, Reporter reporter)
    {
        var joinTimeout = TimeSpan.FromSeconds(30);
        List<TopicPartition>? assigned = null;
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig(baseConfig.ToDictionary()) { GroupId = group, EnableAutoCommit = false })
            .SetLogHandler(ClientLog.Handler<IConsumer<Ignore, Ignore>>(reporter))
            .SetPartitionsAssignedHandler((_, partitions) => assigned = partitions)
            .Build();
        consumer.Subscribe(offsets.Select(o => o.Topic).Distinct());
        var deadline = DateTime.UtcNow + joinTimeout;
        while (assigned is null && DateTime.UtcNow < deadline) consumer.Consume(TimeSpan.FromMilliseconds(100));
        if (assigned is null)
        {
            consumer.Close();
            throw new DemoException($"Could not join group '{group}' within {joinTimeout.TotalSeconds:0} s to commit the new offsets", ExitCodes.Failed);
        }
        var elsewhere = offsets.Select(o => o.TopicPartition).Except(assigned).ToList();
        if (elsewhere.Count > 0)
        {
            consumer.Close();
            throw new DemoException($"Group '{group}' has other active members (they own {string.Join(", ", elsewhere.Select(p => $"{p.Topic}-{p.Partition.Value}"))}): " +
                "stop its consumers first; nothing was changed", ExitCodes.Failed);
        }
        consumer.Commit(offsets);
        consumer.Close();
    }

    private static IConsumer<Ignore, Ignore> GroupConsumer(ConsumerConfig baseConfig, string group, Reporter reporter) =>
        new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig(baseConfig.ToDictionary()) { GroupId = group, EnableAutoCommit = false })
            .SetLogHandler(ClientLog.Handler<IConsumer<Ignore, Ignore>>(reporter))
            .Build();

    /// <summary>
    /// The group's members through DescribeGroups, bounded (by <paramref name="bound"/>, else 8 s); brokers
    /// without it (the embedded one) get a reason instead.
    /// </summary>
    public static async Task<GroupMembers> DescribeAsync(AdminClientConfig config, string group, CancellationToken cancel, TimeSpan? bound = null)
    {
        var wait = bound ?? TimeSpan.FromSeconds(8);
        using var admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
        try
        {
            var result = await admin.DescribeConsumerGroupsAsync([group], new DescribeConsumerGroupsOptions { RequestTimeout = wait * 5 / 8 })
                .WaitAsync(wait, cancel);
            var description = result.ConsumerGroupDescriptions.Single();
            return description.Error.IsError
                ? new GroupMembers(null, $"{description.Error.Reason} ({description.Error.Code})", Supported: true)
                : new GroupMembers(description, null, Supported: true);
        }
        catch (DescribeConsumerGroupsException e)
        {
            var error = e.Results.ConsumerGroupDescriptions.FirstOrDefault()?.Error ?? e.Error;
            return new GroupMembers(null, Unsupported(error));
        }
        catch (KafkaException e)
        {
            return new GroupMembers(null, Unsupported(e.Error));
        }
        catch (TimeoutException)
        {
            return new GroupMembers(null, $"no answer to DescribeGroups within {wait.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new GroupMembers(null, $"DescribeGroups failed: {e.Message.Trim()}");
        }
    }

    /// <summary>All groups through ListGroups, bounded; null with a reason where the broker lacks it.</summary>
    public static async Task<(IReadOnlyList<ConsumerGroupListing>? Groups, string? Unavailable)> ListAsync(AdminClientConfig config, CancellationToken cancel)
    {
        // Ask DescribeGroups first: a broker without it has no ListGroups either, and the client's
        // ListGroups call against such a cluster of several brokers fails badly instead of cleanly.
        var probe = await DescribeAsync(config, "demo-groups-probe", cancel);
        if (!probe.Supported) return (null, probe.Unavailable);
        using var admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).Build();
        try
        {
            var result = await admin.ListConsumerGroupsAsync(new ListConsumerGroupsOptions { RequestTimeout = TimeSpan.FromSeconds(5) })
                .WaitAsync(TimeSpan.FromSeconds(8), cancel);
            return (result.Valid, null);
        }
        catch (ListConsumerGroupsException e)
        {
            return (null, Unsupported(e.Results.Errors.FirstOrDefault() ?? new Error(ErrorCode.Unknown)));
        }
        catch (KafkaException e)
        {
            return (null, Unsupported(e.Error));
        }
        catch (TimeoutException)
        {
            return (null, "no answer to ListGroups within 8 s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Some brokers (the embedded one with several brokers) make the client fail in its own way.
            return (null, $"ListGroups failed: {e.Message.Trim()}");
        }
    }

    private static string Unsupported(Error error) => error.Code switch
    {
        ErrorCode.Local_UnsupportedFeature or ErrorCode.UnsupportedVersion or ErrorCode.InvalidRequest or ErrorCode.Local_TimedOut
            => $"the broker does not support it: {error.Reason}",
        _ => $"{error.Reason} ({error.Code})",
    };
}
