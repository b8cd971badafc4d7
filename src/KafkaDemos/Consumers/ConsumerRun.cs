using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.Cli;
using KafkaDemos.Cli.Output;

namespace KafkaDemos.Consumers;

/// <summary>
/// The shared plumbing of one consumer run, called from each commit strategy's file in a line
/// each: the client's logs and errors, the course's printed lines, what this member owns,
/// processed and committed, the commit calls' reporting, and the bounded stop. The strategy's
/// own file keeps the program: configuration, builder, subscribe, loop, commit, close.
/// Everything here runs on the consumer's thread (rebalance and commit handlers run inside
/// Consume, Commit and Close), except <see cref="StartAsync"/> and <see cref="Outcome"/>.
/// </summary>
public sealed class ConsumerRun
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(250);

    private readonly string _strategy;
    private readonly ConsumeOptions _options;
    private readonly IEventSink _sink;
    private readonly CancellationToken _stop;
    private readonly IRecordCounter? _counter;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly HashSet<TopicPartition> _assignment = [];
    private readonly HashSet<TopicPartition> _atEnd = [];
    private readonly Dictionary<TopicPartition, long> _processed = [];
    private readonly Dictionary<TopicPartition, long> _committed = [];
    private long _consumed;
    private long _skipped;
    private long _commitFailures;
    private long _refusedWhileRebalancing;
    private bool _crashed;
    private bool _abandoned;
    private TimeSpan? _elapsed;

    private ConsumerRun(string strategy, ConsumeOptions options, IEventSink sink, CancellationToken stop)
    {
        _strategy = strategy;
        _options = options;
        _sink = sink;
        _stop = stop;
        _counter = sink as IRecordCounter;
    }

    /// <summary>
    /// Runs <paramref name="program"/> (a strategy's whole consumer) on a thread of its own, so
    /// its blocking calls never hold the caller. Ctrl+C or a crash ends the loop; the clean stop
    /// that follows (commit per strategy, Close) is bounded, so an unreachable coordinator never
    /// hangs the terminal.
    /// </summary>
    public static async Task<ConsumeOutcome> StartAsync(string strategy, ConsumerConfig config, ConsumeOptions options, IEventSink sink, CancellationToken stop, Action<ConsumerRun> program)
    {
        if (options.Topics.Count == 0) throw new UsageException("no topic to consume from");
        if (options.MaxMessages is < 1) throw new UsageException($"--max-messages {options.MaxMessages} must be at least 1");
        if (options.CommitEvery < 1) throw new UsageException($"--commit-every {options.CommitEvery} must be at least 1");
        if (string.IsNullOrWhiteSpace(config.GroupId)) throw new UsageException("group.id is empty: name a consumer group with --group NAME");

        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, options.Crash);
        var run = new ConsumerRun(strategy, options, sink, either.Token);
        var loop = Task.Factory.StartNew(() => run.Execute(program), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            await loop.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (either.IsCancellationRequested)
        {
            try
            {
                await loop.WaitAsync(options.ShutdownTimeout);
            }
            catch (TimeoutException)
            {
                run.Abandon();
            }
        }
        return run.Outcome();
    }

    private void Execute(Action<ConsumerRun> program)
    {
        try
        {
            program(this);
            if (CrashRequested)
            {
                lock (_lock) _crashed = true;
                _sink.Emit(new WarningEvent($"{Who}crashed on purpose: nothing committed, group not told; it notices after session.timeout.ms"));
            }
        }
        finally
        {
            lock (_lock) _elapsed = _clock.Elapsed;
        }
    }

    /// <summary>The client's logs and errors go to the event stream (the course's error_cb); then the consumer is built.</summary>
    public IConsumer<string?, string?> Build(ConsumerBuilder<string?, string?> builder) => builder
        .SetLogHandler(ClientLog.Handler<IConsumer<string?, string?>>(_sink))
        .SetErrorHandler(ClientLog.ErrorHandler<IConsumer<string?, string?>>(_sink))
        .Build();

    /// <summary>The loop goes on until Ctrl+C, a crash, --max-messages, or (--exit-at-end) every owned partition is at its end.</summary>
    public bool KeepGoing
    {
        get
        {
            if (_stop.IsCancellationRequested) return false;
            // Only this thread counts records, so reading the counts needs no lock.
            if (_options.MaxMessages is long max && _consumed + _skipped >= max) return false;
            if (!_options.ExitAtEnd) return true;
            lock (_lock) return !(_assignment.Count > 0 && _assignment.All(_atEnd.Contains));
        }
    }

    /// <summary>The loop ended because of a simulated crash: no commit, no Close(); the group notices after session.timeout.ms.</summary>
    public bool CrashRequested => _options.Crash.IsCancellationRequested;

    /// <summary>
    /// consumer.Consume with a short timeout, so the loop sees Ctrl+C. Null when nothing was ready
    /// (the batch consume() had is done) or a partition reached its end; a client error is
    /// reported and the loop goes on.
    /// </summary>
    public ConsumeResult<string?, string?>? Consume(IConsumer<string?, string?> consumer)
    {
        ConsumeResult<string?, string?>? record;
        try
        {
            record = consumer.Consume(PollTimeout);
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            _sink.Emit(new ErrorEvent($"consume: {e.Error.Reason}", e.Error.Code.ToString()));
            return null;
        }
        if (record is null) return null;
        // Partition ends matter only to --exit-at-end (only then does the client report them).
        if (_options.ExitAtEnd)
        {
            lock (_lock)
            {
                if (!record.IsPartitionEOF) _atEnd.Remove(record.TopicPartition);
                else _atEnd.Add(record.TopicPartition);
            }
        }
        return record.IsPartitionEOF ? null : record;
    }

    /// <summary>
    /// The course's per-record work: print('%s-%d-%d : (%s , %s)') and the simulated work
    /// (--process-delay, cut short by a stop); with --json a value that is not JSON is reported
    /// as skipped. Either way the record counts as processed: its offset + 1 may be committed.
    /// </summary>
    public void Process(ConsumeResult<string?, string?> record)
    {
        string? value = record.Message.Value;
        var tp = record.TopicPartition;
        if (_options.Json && !TryJson(value, out value, out string reason))
        {
            Emit(new SkippedEvent(tp.Topic, tp.Partition.Value, record.Offset.Value, reason));
            lock (_lock)
            {
                _skipped++;
                _processed[tp] = record.Offset.Value + 1;
            }
            return;
        }
        if (_counter is not null) _counter.Consumed(value?.Length ?? 0);
        else Emit(new ConsumedEvent(tp.Topic, tp.Partition.Value, record.Offset.Value, record.Message.Key, value,
            record.Message.Timestamp.Type == TimestampType.NotAvailable ? null : record.Message.Timestamp.UtcDateTime));
        if (_options.ProcessDelay > TimeSpan.Zero) _stop.WaitHandle.WaitOne(_options.ProcessDelay);
        lock (_lock)
        {
            _consumed++;
            _processed[tp] = record.Offset.Value + 1;
        }
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

    // ----- the rebalance handlers' lines -----

    /// <summary>The course's print_assignment: "Setting newly assigned partitions: [...]". They start from the group's committed offsets.</summary>
    public void Assigned(IEnumerable<TopicPartition> partitions)
    {
        var list = partitions.ToList();
        lock (_lock)
        {
            _assignment.UnionWith(list);
            foreach (var p in list) _processed.Remove(p);
        }
        Emit(new AssignedEvent(ConsumerEvent.Names(list)));
    }

    /// <summary>
    /// "Revoking previously assigned partitions: [...]": they move to another member. Their
    /// processed offsets stay readable through <see cref="Processed"/> for a commit in the same
    /// handler, but no later commit includes them.
    /// </summary>
    public void Revoked(IEnumerable<TopicPartitionOffset> partitions) => LetGo(partitions, p => new RevokedEvent(p));

    /// <summary>Ownership lost without a revoke (the member fell out of the group): another member may own them already, so nothing is committed for them.</summary>
    public void Lost(IEnumerable<TopicPartitionOffset> partitions) => LetGo(partitions, p => new LostEvent(p));

    private void LetGo(IEnumerable<TopicPartitionOffset> partitions, Func<IReadOnlyList<string>, ConsumerEvent> line)
    {
        var list = partitions.Select(p => p.TopicPartition).ToList();
        Emit(line(ConsumerEvent.Names(list)));
        lock (_lock)
        {
            _assignment.ExceptWith(list);
            _atEnd.ExceptWith(list);
        }
    }

    // ----- commits -----

    /// <summary>
    /// "Last processed offset + 1" of each partition that moved since this member's last commit:
    /// every owned partition, or only <paramref name="partitions"/> (a revoke handler's).
    /// </summary>
    public List<TopicPartitionOffset> Processed(IEnumerable<TopicPartitionOffset>? partitions = null)
    {
        lock (_lock)
        {
            var which = partitions?.Select(p => p.TopicPartition).ToHashSet() ?? _assignment;
            return _processed
                .Where(p => which.Contains(p.Key))
                .Where(p => !_committed.TryGetValue(p.Key, out long c) || c < p.Value)
                .Select(p => new TopicPartitionOffset(p.Key, p.Value))
                .ToList();
        }
    }

    /// <summary>
    /// Runs consumer.Commit() (the offsets consume() returned) and prints the course's
    /// print_sync_commit_result lines; nothing happens when nothing was processed since the last commit.
    /// </summary>
    public void Commit(string how, Func<List<TopicPartitionOffset>> commit)
    {
        var tried = Processed();
        if (tried.Count == 0) return;
        Attempt(how, tried, () => Committed(how, commit()));
    }

    /// <summary>Runs consumer.Commit(offsets) for exactly <paramref name="offsets"/> and prints the result.</summary>
    public void Commit(string how, IReadOnlyList<TopicPartitionOffset> offsets, Action commit)
    {
        if (offsets.Count == 0) return;
        Attempt(how, offsets, () =>
        {
            commit();
            Committed(how, offsets);
        });
    }

    private const int CommitAttempts = 4;
    private static readonly TimeSpan CommitRetryDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// A coordinator in the middle of a rebalance answers a commit with REBALANCE_IN_PROGRESS
    /// until every member has synced; the commit is still this member's to make, so it is tried
    /// again a few times (about a second in all). If the rebalance outlasts that, nothing is lost:
    /// the next owner resumes from the last committed offset and processes those records again.
    /// </summary>
    private void Attempt(string how, IReadOnlyList<TopicPartitionOffset> tried, Action commit)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                commit();
                return;
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
            {
                return;
            }
            catch (KafkaException e) when (IsRebalanceInProgress(e) && attempt < CommitAttempts)
            {
                _sink.Emit(new WarningEvent($"{Who}commit ({how}) refused while the group rebalances; trying again ({attempt}/{CommitAttempts - 1})"));
                Thread.Sleep(CommitRetryDelay);
            }
            catch (TopicPartitionOffsetException e)
            {
                // The exception's own error only says "some partitions failed": each result names its reason.
                var refused = e.Results.Where(r => r.Error.IsError).ToList();
                Committed(how, e.Results.Where(r => !r.Error.IsError).Select(r => r.TopicPartitionOffset).ToList());
                Failed(how, refused.Count > 0 ? refused[0].Error : e.Error, refused.Select(r => r.TopicPartitionOffset).ToList());
                return;
            }
            catch (KafkaException e)
            {
                Failed(how, e.Error, tried);
                return;
            }
        }
    }

    private static bool IsRebalanceInProgress(KafkaException e) =>
        e.Error.Code == ErrorCode.RebalanceInProgress
        || (e is TopicPartitionOffsetException partial && partial.Results.Any(r => r.Error.Code == ErrorCode.RebalanceInProgress));

    /// <summary>The course's on_commit=print_commit_result for librdkafka's background commits (auto, async).</summary>
    public void BackgroundCommitted(CommittedOffsets result)
    {
        // "Nothing to commit" is how librdkafka says no offset moved since the last interval.
        if (result.Error.Code == ErrorCode.Local_NoOffset) return;
        if (result.Error.IsError)
        {
            var offsets = result.Offsets.Select(o => o.TopicPartitionOffset).ToList();
            Failed("auto", result.Error, offsets.Count > 0 ? offsets : Processed());
            return;
        }
        Committed("auto", result.Offsets.Where(o => !o.Error.IsError).Select(o => o.TopicPartitionOffset).ToList());
        var failed = result.Offsets.Where(o => o.Error.IsError).ToList();
        if (failed.Count > 0) Failed("auto", failed[0].Error, failed.Select(o => o.TopicPartitionOffset).ToList());
    }

    private void Committed(string how, IReadOnlyList<TopicPartitionOffset> offsets)
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
        if (moved.Count > 0) Emit(new CommittedEvent(how, moved));
    }

    /// <summary>
    /// A refused commit names the offsets it tried to commit. A refusal because the group is
    /// rebalancing is normal Kafka behaviour and loses nothing (the next owner resumes from the
    /// last committed offset), so it is counted apart and does not fail the run.
    /// </summary>
    private void Failed(string how, Error error, IReadOnlyList<TopicPartitionOffset> tried)
    {
        bool rebalancing = error.Code == ErrorCode.RebalanceInProgress;
        lock (_lock)
        {
            if (rebalancing) _refusedWhileRebalancing++;
            else _commitFailures++;
        }
        Emit(new CommitFailedEvent(how, error.Reason, tried.Select(PartitionOffset.From).ToList(),
            rebalancing ? "the group is rebalancing: nothing is lost, the next owner resumes from the last committed offset and reads these records again" : null));
    }

    private void Emit(ConsumerEvent e) => _sink.Emit(e with { Member = _options.Member });

    private string Who => _options.Member is null ? "" : $"{_options.Member} ";

    /// <summary>The clean stop did not finish within its bound: report it and leave the client behind.</summary>
    private void Abandon()
    {
        lock (_lock) _abandoned = true;
        _sink.Emit(new ErrorEvent(
            $"{Who}did not finish committing and closing within {_options.ShutdownTimeout.TotalSeconds:0.#} s (is the group coordinator reachable?); " +
            "left without waiting: the group notices after session.timeout.ms", "shutdown_timeout"));
    }

    private ConsumeOutcome Outcome()
    {
        lock (_lock)
        {
            return new ConsumeOutcome(
                _strategy,
                _options.Member,
                _consumed,
                _skipped,
                _commitFailures,
                _refusedWhileRebalancing,
                _committed.ToDictionary(c => $"{c.Key.Topic}-{c.Key.Partition.Value}", c => c.Value),
                ConsumerEvent.Names(_assignment),
                _elapsed ?? _clock.Elapsed,
                _crashed,
                _abandoned);
        }
    }
}
