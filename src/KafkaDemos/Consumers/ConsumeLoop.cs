using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.Cli;
using KafkaDemos.Cli.Output;

namespace KafkaDemos.Consumers;

/// <summary>What a commit strategy adds to the shared consume loop; every hook runs on the consumer's thread.</summary>
public sealed class CommitHooks
{
    /// <summary>After each record is processed (or skipped).</summary>
    public Action<ConsumerSession, ConsumeResult<string?, string?>>? AfterRecord { get; init; }

    /// <summary>consume() came back empty: whatever batch was ready has been processed.</summary>
    public Action<ConsumerSession>? WhenIdle { get; init; }

    /// <summary>Partitions are about to move to another member (rebalance, or Close() on a clean stop).</summary>
    public Action<ConsumerSession, IReadOnlyList<TopicPartition>>? OnRevoke { get; init; }

    /// <summary>Clean stop, before Close().</summary>
    public Action<ConsumerSession>? BeforeClose { get; init; }

    /// <summary>Print the results of librdkafka's background commits (the course's on_commit callback).</summary>
    public bool ReportBackgroundCommits { get; init; }
}

/// <summary>
/// The loop every strategy shares: subscribe, consume, print each record the course's way, call the
/// strategy's hooks, and stop cleanly (commit per strategy, Close) or crash on purpose. It runs on its
/// own thread; a watchdog bounds the clean stop so an unreachable coordinator never hangs the caller.
/// </summary>
public static class ConsumeLoop
{
    public static async Task<ConsumeOutcome> RunAsync(string strategy, ConsumerConfig config, ConsumeOptions options, IEventSink sink, CommitHooks hooks, CancellationToken stop)
    {
        if (options.Topics.Count == 0) throw new UsageException("no topic to consume from");
        if (options.MaxMessages is < 1) throw new UsageException($"--max-messages {options.MaxMessages} must be at least 1");
        if (options.CommitEvery < 1) throw new UsageException($"--commit-every {options.CommitEvery} must be at least 1");
        if (string.IsNullOrWhiteSpace(config.GroupId)) throw new UsageException("group.id is empty: name a consumer group with --group NAME");

        var session = new ConsumerSession(strategy, config, options, sink, hooks);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, options.Crash);
        var loop = Task.Factory.StartNew(() => session.Run(either.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await loop.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (either.IsCancellationRequested)
        {
            // Asked to stop: the loop commits per its strategy and closes, within the bound.
            try
            {
                await loop.WaitAsync(options.ShutdownTimeout);
            }
            catch (TimeoutException)
            {
                session.Abandon();
            }
        }
        return session.Outcome();
    }
}

/// <summary>One consumer's state while it runs: what it owns, processed and committed. Strategies act through it.</summary>
public sealed class ConsumerSession
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(250);

    private readonly string _strategy;
    private readonly ConsumerConfig _config;
    private readonly ConsumeOptions _options;
    private readonly IEventSink _sink;
    private readonly CommitHooks _hooks;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly HashSet<TopicPartition> _assignment = [];
    private readonly HashSet<TopicPartition> _atEnd = [];
    private readonly Dictionary<TopicPartition, long> _processed = [];
    private readonly Dictionary<TopicPartition, long> _committed = [];
    private IConsumer<string?, string?>? _consumer;
    private MemberStatusReporter? _status;
    private long _consumed;
    private long _skipped;
    private long _commitFailures;
    private bool _crashed;
    private bool _abandoned;
    private TimeSpan? _elapsed;

    internal ConsumerSession(string strategy, ConsumerConfig config, ConsumeOptions options, IEventSink sink, CommitHooks hooks)
    {
        _strategy = strategy;
        _config = config;
        _options = options;
        _sink = sink;
        _hooks = hooks;
    }

    /// <summary>Records processed (or skipped) since the last successful commit.</summary>
    public int SinceCommit { get; private set; }

    public ConsumeOptions Options => _options;

    private IConsumer<string?, string?> Consumer => _consumer ?? throw new InvalidOperationException("the consumer is not running");

    internal void Run(CancellationToken stop)
    {
        var config = new ConsumerConfig(_config.ToDictionary()) { EnablePartitionEof = _options.ExitAtEnd };
        var builder = new ConsumerBuilder<string?, string?>(config)
            .SetLogHandler(ClientLog.Handler<IConsumer<string?, string?>>(_sink))
            .SetErrorHandler(ClientLog.ErrorHandler<IConsumer<string?, string?>>(_sink))
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(partitions.Select(p => p.TopicPartition).ToList()))
            .SetPartitionsLostHandler((_, partitions) => OnLost(partitions.Select(p => p.TopicPartition).ToList()));
        if (_hooks.ReportBackgroundCommits) builder.SetOffsetsCommittedHandler((_, result) => OnBackgroundCommit(result));

        var consumer = builder.Build();
        _consumer = consumer;
        _status = MemberStatusReporter.Start(consumer, config, _options, _sink);
        try
        {
            consumer.Subscribe(_options.Topics);
            while (!stop.IsCancellationRequested && !Finished())
            {
                ConsumeResult<string?, string?>? record;
                try
                {
                    record = consumer.Consume(PollTimeout);
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    _sink.Emit(new ErrorEvent($"consume: {e.Error.Reason}", e.Error.Code.ToString()));
                    continue;
                }
                if (record is null)
                {
                    _hooks.WhenIdle?.Invoke(this);
                }
                else if (record.IsPartitionEOF)
                {
                    lock (_lock) _atEnd.Add(record.TopicPartition);
                }
                else
                {
                    lock (_lock) _atEnd.Remove(record.TopicPartition);
                    Process(record, stop);
                    _hooks.AfterRecord?.Invoke(this, record);
                }
            }

            if (_options.Crash.IsCancellationRequested)
            {
                // A crash: no commit, no Close(). Dispose below releases the client without leaving the group.
                lock (_lock) _crashed = true;
                _sink.Emit(new WarningEvent($"{Who}crashed on purpose: nothing committed, group not told; it notices after session.timeout.ms"));
                return;
            }
            _hooks.BeforeClose?.Invoke(this);
            // Close() leaves the group now (revoking our partitions first), so the others rebalance at once.
            consumer.Close();
        }
        finally
        {
            lock (_lock) _elapsed = _clock.Elapsed;
            _status?.Dispose();
            consumer.Dispose();
        }
    }

    private string Who => _options.Member is null ? "" : $"{_options.Member} ";

    private bool Finished()
    {
        lock (_lock)
        {
            if (_options.MaxMessages is long max && _consumed + _skipped >= max) return true;
            return _options.ExitAtEnd && _assignment.Count > 0 && _assignment.All(_atEnd.Contains);
        }
    }

    private void Process(ConsumeResult<string?, string?> record, CancellationToken stop)
    {
        string? value = record.Message.Value;
        var tp = record.TopicPartition;
        if (_options.Json && !TryJson(value, out value, out string reason))
        {
            lock (_lock) _skipped++;
            Emit(new SkippedEvent(tp.Topic, tp.Partition.Value, record.Offset.Value, reason));
        }
        else
        {
            Emit(new ConsumedEvent(tp.Topic, tp.Partition.Value, record.Offset.Value, record.Message.Key, value,
                record.Message.Timestamp.Type == TimestampType.NotAvailable ? null : record.Message.Timestamp.UtcDateTime));
            // Simulated work; a stop cuts it short, and the record still counts as processed.
            if (_options.ProcessDelay > TimeSpan.Zero) stop.WaitHandle.WaitOne(_options.ProcessDelay);
            lock (_lock) _consumed++;
        }
        lock (_lock) _processed[tp] = record.Offset.Value + 1;
        SinceCommit++;
    }

    private static bool TryJson(string? value, out string? compact, out string reason)
    {
        compact = value;
        reason = "";
        if (value is null)
        {
            reason = "not valid JSON (null value)";
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(value);
            compact = JsonSerializer.Serialize(document.RootElement);
            return true;
        }
        catch (JsonException e)
        {
            reason = $"not valid JSON ({e.Message.Split(" Path:")[0].TrimEnd('.')})";
            return false;
        }
    }

    // ----- rebalance callbacks (run inside Consume/Close, on this thread) -----

    private void OnAssigned(List<TopicPartition> partitions)
    {
        lock (_lock) _assignment.UnionWith(partitions);
        Emit(new AssignedEvent(ConsumerEvent.Names(partitions)));
        _status?.Assigned(partitions);
    }

    private void OnRevoked(List<TopicPartition> partitions)
    {
        Emit(new RevokedEvent(ConsumerEvent.Names(partitions)));
        // The last moment this member may commit for these partitions.
        _hooks.OnRevoke?.Invoke(this, partitions);
        Forget(partitions);
        _status?.Revoked(partitions);
    }

    private void OnLost(List<TopicPartition> partitions)
    {
        // Another member may already own them: committing now could move its offsets backwards.
        Emit(new LostEvent(ConsumerEvent.Names(partitions)));
        Forget(partitions);
        _status?.Lost(partitions);
    }

    private void Forget(List<TopicPartition> partitions)
    {
        lock (_lock)
        {
            foreach (var p in partitions)
            {
                _assignment.Remove(p);
                _atEnd.Remove(p);
                _processed.Remove(p);
            }
        }
    }

    // ----- the commit calls strategies make -----

    /// <summary>consumer.Commit(): commits the offsets consume() returned, waiting for the coordinator (the course's commit(asynchronous=False)).</summary>
    public void CommitConsumed(string how)
    {
        if (SinceCommit == 0) return;
        try
        {
            Report(how, RetryWhileRebalancing(how, () => Consumer.Commit()));
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            SinceCommit = 0;
        }
        catch (TopicPartitionOffsetException e)
        {
            Report(how, e.Results.Where(r => !r.Error.IsError).Select(r => r.TopicPartitionOffset).ToList());
            Failed(how, e.Error.Reason, e.Results.Where(r => r.Error.IsError).Select(r => r.TopicPartitionOffset));
        }
        catch (KafkaException e)
        {
            Failed(how, e.Error.Reason, []);
        }
    }

    /// <summary>
    /// consumer.Commit(offsets): commits exactly "last processed offset + 1" of each partition (all, or
    /// <paramref name="only"/> these) that moved since the last commit, and waits for the answer.
    /// </summary>
    public void CommitProcessed(string how, IReadOnlyList<TopicPartition>? only = null)
    {
        var offsets = Uncommitted(only);
        if (offsets.Count == 0) return;
        try
        {
            RetryWhileRebalancing(how, () =>
            {
                Consumer.Commit(offsets);
                return offsets;
            });
            Report(how, offsets);
        }
        catch (TopicPartitionOffsetException e)
        {
            Report(how, e.Results.Where(r => !r.Error.IsError).Select(r => r.TopicPartitionOffset).ToList());
            Failed(how, e.Error.Reason, e.Results.Where(r => r.Error.IsError).Select(r => r.TopicPartitionOffset));
        }
        catch (KafkaException e)
        {
            Failed(how, e.Error.Reason, offsets);
        }
    }

    private const int CommitAttempts = 4;
    private static readonly TimeSpan CommitRetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A coordinator in the middle of a rebalance answers a commit with REBALANCE_IN_PROGRESS
    /// until every member has synced; the commit is still this member's to make, so it is tried
    /// again a few times (about a second in all) before it counts as failed.
    /// </summary>
    private T RetryWhileRebalancing<T>(string how, Func<T> commit)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return commit();
            }
            catch (KafkaException e) when (attempt < CommitAttempts && IsRebalanceInProgress(e))
            {
                _sink.Emit(new WarningEvent($"{(_options.Member is null ? "" : $"[{_options.Member}] ")}commit ({how}) refused while the group rebalances; trying again ({attempt}/{CommitAttempts - 1})"));
                Thread.Sleep(CommitRetryDelay);
            }
        }
    }

    private static bool IsRebalanceInProgress(KafkaException e) =>
        e.Error.Code == ErrorCode.RebalanceInProgress
        || (e is TopicPartitionOffsetException partial && partial.Results.Any(r => r.Error.Code == ErrorCode.RebalanceInProgress));

    /// <summary>Marks a processed record's offset (+1) for the next background commit (enable.auto.offset.store=false).</summary>
    public void StoreOffset(ConsumeResult<string?, string?> record) => Consumer.StoreOffset(record);

    /// <summary>"Last processed + 1" per owned partition that is ahead of what this member last committed.</summary>
    public IReadOnlyList<TopicPartitionOffset> Uncommitted(IReadOnlyList<TopicPartition>? only = null)
    {
        lock (_lock)
        {
            return _processed
                .Where(p => only is null || only.Contains(p.Key))
                .Where(p => !_committed.TryGetValue(p.Key, out long c) || c < p.Value)
                .Select(p => new TopicPartitionOffset(p.Key, p.Value))
                .ToList();
        }
    }

    private void OnBackgroundCommit(CommittedOffsets result)
    {
        // "Nothing to commit" is how librdkafka says no offset moved since the last interval.
        if (result.Error.Code == ErrorCode.Local_NoOffset) return;
        if (result.Error.IsError)
        {
            Failed("auto", result.Error.Reason, result.Offsets.Select(o => o.TopicPartitionOffset));
            return;
        }
        Report("auto", result.Offsets.Where(o => !o.Error.IsError).Select(o => o.TopicPartitionOffset).ToList());
        var failed = result.Offsets.Where(o => o.Error.IsError).ToList();
        if (failed.Count > 0) Failed("auto", failed[0].Error.Reason, failed.Select(o => o.TopicPartitionOffset));
    }

    private void Report(string how, IReadOnlyList<TopicPartitionOffset> offsets)
    {
        var moved = new List<PartitionOffset>();
        lock (_lock)
        {
            foreach (var o in offsets.Where(o => o.Offset.Value >= 0))
            {
                if (_committed.TryGetValue(o.TopicPartition, out long c) && c == o.Offset.Value) continue;
                _committed[o.TopicPartition] = o.Offset.Value;
                moved.Add(PartitionOffset.From(o));
            }
        }
        SinceCommit = 0;
        if (moved.Count > 0) Emit(new CommittedEvent(how, moved));
    }

    private void Failed(string how, string error, IEnumerable<TopicPartitionOffset> offsets)
    {
        lock (_lock) _commitFailures++;
        Emit(new CommitFailedEvent(how, error, offsets.Select(PartitionOffset.From).ToList()));
    }

    private void Emit(ConsumerEvent e) => _sink.Emit(e with { Member = _options.Member });

    /// <summary>The clean stop did not finish within its bound: report it and leave the client behind.</summary>
    internal void Abandon()
    {
        lock (_lock) _abandoned = true;
        _sink.Emit(new ErrorEvent(
            $"{Who}did not finish committing and closing within {_options.ShutdownTimeout.TotalSeconds:0.#} s (is the group coordinator reachable?); " +
            "left without waiting: the group notices after session.timeout.ms", "shutdown_timeout"));
    }

    internal ConsumeOutcome Outcome()
    {
        lock (_lock)
        {
            return new ConsumeOutcome(
                _strategy,
                _options.Member,
                _consumed,
                _skipped,
                _commitFailures,
                _committed.ToDictionary(c => $"{c.Key.Topic}-{c.Key.Partition.Value}", c => c.Value),
                ConsumerEvent.Names(_assignment),
                _elapsed ?? _clock.Elapsed,
                _crashed,
                _abandoned);
        }
    }
}
