using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Sink;

/// <summary>
/// The plumbing both commit modes share, one call each from the mode's own loop: client handlers,
/// a bounded consume, the JSON check, the course's output lines, counting, and a bounded close.
/// Everything here runs on the sink's one thread, except the client's log and error callbacks.
/// </summary>
internal sealed class SinkReport(string mode, ISinkTarget target, SinkOptions options, Reporter reporter)
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(250);

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly HashSet<TopicPartition> _assignment = [];
    private readonly HashSet<TopicPartition> _atEnd = [];
    private readonly SortedDictionary<string, long> _committed = new(StringComparer.Ordinal);
    private long _written;
    private long _alreadyStored;
    private long _skipped;
    private long _failures;
    private readonly StrictUtf8Values _values = new();

    /// <summary>The consumer with the handlers both modes use; each mode adds its own assignment handler.</summary>
    public ConsumerBuilder<string?, string?> Builder(ConsumerConfig settings) =>
        new ConsumerBuilder<string?, string?>(settings)
            .SetValueDeserializer(_values)
            .SetLogHandler(ClientLog.Handler<IConsumer<string?, string?>>(reporter))
            .SetErrorHandler(ClientLog.ErrorHandler<IConsumer<string?, string?>>(reporter))
            .SetPartitionsRevokedHandler((_, partitions) => Forget(partitions.Select(p => p.TopicPartition), lost: false))
            .SetPartitionsLostHandler((_, partitions) => Forget(partitions.Select(p => p.TopicPartition), lost: true));

    /// <summary>The course's on_assign: "Setting newly assigned partitions: [...]".</summary>
    public void Assigned(IReadOnlyList<TopicPartition> partitions)
    {
        _assignment.UnionWith(partitions);
        reporter.Emit(new AssignedEvent(ConsumerEvent.Sorted(partitions)));
    }

    /// <summary>
    /// `--commit db` on assignment: each partition starts at the position stored in the database;
    /// one with no position yet starts where auto.offset.reset says, never at an offset committed to Kafka.
    /// </summary>
    public IEnumerable<TopicPartitionOffset> Resume(IReadOnlyList<TopicPartition> partitions, AutoOffsetReset? reset)
    {
        Assigned(partitions);
        var stored = target.Positions(options.Topic);
        var start = partitions.Select(p => stored.TryGetValue(p.Partition.Value, out long next)
            ? new TopicPartitionOffset(p, next)
            : new TopicPartitionOffset(p, reset == AutoOffsetReset.Latest ? Offset.End : Offset.Beginning)).ToList();
        var known = start.Where(s => !s.Offset.IsSpecial).Select(PartitionOffset.From).ToList();
        var unknown = ConsumerEvent.Sorted(start.Where(s => s.Offset.IsSpecial).Select(s => s.TopicPartition));
        reporter.Emit(new ResumingEvent(target.Table, known, unknown, reset == AutoOffsetReset.Latest ? "end (auto.offset.reset=latest)" : "beginning (auto.offset.reset=earliest)"));
        return start;
    }

    private void Forget(IEnumerable<TopicPartition> partitions, bool lost)
    {
        var list = partitions.ToList();
        reporter.Emit(lost ? new LostEvent(ConsumerEvent.Sorted(list)) : new RevokedEvent(ConsumerEvent.Sorted(list)));
        _assignment.ExceptWith(list);
        _atEnd.ExceptWith(list);
    }

    /// <summary>The next record, or null when none came within the poll bound (or a partition reached its end).</summary>
    public ConsumeResult<string?, string?>? Next(IConsumer<string?, string?> consumer)
    {
        ConsumeResult<string?, string?>? record;
        try
        {
            record = consumer.Consume(PollTimeout);
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            reporter.Emit(new ErrorEvent($"consume: {e.Error.Reason}", e.Error.Code.ToString()));
            return null;
        }
        if (record is null) return null;
        if (record.IsPartitionEOF)
        {
            _atEnd.Add(record.TopicPartition);
            return null;
        }
        _atEnd.Remove(record.TopicPartition);
        return record;
    }

    /// <summary>--exit-at-end: every assigned partition has reached its end.</summary>
    public bool Finished => options.ExitAtEnd && _assignment.Count > 0 && _assignment.All(_atEnd.Contains);

    /// <summary>The course's value_deserializer (json.loads): a record that is not JSON is skipped, shown and counted.</summary>
    public bool TryJson(ConsumeResult<string?, string?> record, out string json)
    {
        json = record.Message.Value ?? "";
        string? reason = null;
        if (record.Message.Value is null)
        {
            reason = "not JSON (null value)";
        }
        else if (_values.Invalid is string invalid)
        {
            reason = $"not JSON ({invalid})";
        }
        else
        {
            try
            {
                using var document = JsonDocument.Parse(json);
            }
            catch (JsonException e)
            {
                reason = $"not JSON ({e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].TrimEnd('.')})";
            }
        }
        if (reason is null) return true;
        _skipped++;
        reporter.Emit(new RecordSkippedEvent(record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key, record.Message.Value, reason));
        return false;
    }

    /// <summary>The course's print('{} added to {}'.format(message, my_collection)).</summary>
    public void Added(ConsumeResult<string?, string?> record, string json, long? position)
    {
        _written++;
        reporter.Emit(new RowAddedEvent(record.Topic, record.Partition.Value, record.Offset.Value, record.Message.Key, json, target.Table, position));
    }

    public void AlreadyStored(ConsumeResult<string?, string?> record)
    {
        _alreadyStored++;
        reporter.Emit(new AlreadyStoredEvent(record.Topic, record.Partition.Value, record.Offset.Value, target.Table));
    }

    /// <summary>The offsets-committed handler of `--commit auto`: "# Committed offsets for: testnum-0 {offset=53}".</summary>
    public void Committed(CommittedOffsets result)
    {
        // "Nothing to commit" is how librdkafka says no offset moved since the last interval.
        if (result.Error.Code == ErrorCode.Local_NoOffset) return;
        var failed = result.Offsets.Where(o => o.Error.IsError || result.Error.IsError).ToList();
        var done = result.Offsets.Where(o => !o.Error.IsError && !result.Error.IsError && o.Offset.Value >= 0)
            .Where(o => !_committed.TryGetValue($"{o.Topic}-{o.Partition.Value}", out long c) || c != o.Offset.Value).ToList();
        foreach (var o in done) _committed[$"{o.Topic}-{o.Partition.Value}"] = o.Offset.Value;
        if (done.Count > 0) reporter.Emit(new CommittedEvent("auto", done.Select(o => PartitionOffset.From(o.TopicPartitionOffset)).ToList()));
        if (failed.Count == 0) return;
        _failures++;
        reporter.Emit(new CommitFailedEvent("auto", result.Error.IsError ? result.Error.Reason : failed[0].Error.Reason,
            failed.Select(o => PartitionOffset.From(o.TopicPartitionOffset)).ToList()));
    }

    /// <summary>A write the database refused: the sink stops; <paramref name="consequence"/> says what happens to that record.</summary>
    public void WriteFailed(SinkWriteException e, string consequence)
    {
        _failures++;
        reporter.Emit(new ErrorEvent($"{e.Message}; stopping. {consequence}", "write_failed"));
    }

    /// <summary>Close() (leave the group now, so the others rebalance at once) and release the client, within a bound.</summary>
    public SinkOutcome Close(IConsumer<string?, string?> consumer)
    {
        var close = Task.Run(() =>
        {
            consumer.Close();
            consumer.Dispose();
        });
        try
        {
            if (!close.Wait(options.CloseTimeout))
            {
                _failures++;
                reporter.Emit(new ErrorEvent($"the consumer did not close within {options.CloseTimeout.TotalSeconds:0} s (is the group coordinator reachable?); " +
                                         "left without waiting: the group notices after session.timeout.ms", "shutdown_timeout"));
            }
        }
        catch (AggregateException e) when (e.InnerException is KafkaException k)
        {
            _failures++;
            reporter.Emit(new ErrorEvent($"close: {k.Error.Reason}", k.Error.Code.ToString()));
        }
        return Outcome();
    }

    private SinkOutcome Outcome()
    {
        bool db = mode == DbCommitSink.Name;
        var positions = db
            ? target.Positions(options.Topic).OrderBy(p => p.Key).ToDictionary(p => $"{options.Topic}-{p.Key}", p => p.Value)
            : _committed.ToDictionary(c => c.Key, c => c.Value);
        var summary = new SummaryEvent("sink",
        [
            new("commit", mode),
            new("table", target.Table),
            new("rows_written", _written),
            .. db ? [new KeyValuePair<string, object?>("already_stored", _alreadyStored)] : Array.Empty<KeyValuePair<string, object?>>(),
            new("skipped", _skipped),
            new("failures", _failures),
            new(db ? "positions_stored" : "committed", positions),
            new("elapsed_s", Math.Round(_clock.Elapsed.TotalSeconds, 2)),
        ]);
        return new SinkOutcome(summary, _failures == 0);
    }
}
