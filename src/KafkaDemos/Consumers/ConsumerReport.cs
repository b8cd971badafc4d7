using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>
/// The shared plumbing of one consumer run, called from each commit strategy's file in a line
/// each: the client's logs and errors, the course's printed lines, what this member owns,
/// processed and committed, the commit calls' reporting, and the bounded stop. The strategy's
/// own file keeps the program: configuration, builder, subscribe, loop, commit, close.
/// Everything here runs on the consumer's thread (rebalance and commit handlers run inside
/// Consume, Commit and Close), except <see cref="StartAsync"/> and <see cref="Outcome"/>.
/// The commit calls and their reporting are in ConsumerReport.Commits.cs, what the member owns in ConsumerReport.Ownership.cs.
/// </summary>
public sealed partial class ConsumerReport
{
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(250);

    private readonly string _strategy;
    private readonly ConsumerConfig _config;
    private readonly ConsumeOptions _options;
    private readonly Reporter _reporter;
    private readonly CancellationToken _stop;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly HashSet<TopicPartition> _assignment = [];
    private readonly HashSet<TopicPartition> _atEnd = [];
    private readonly Dictionary<TopicPartition, long> _processed = [];
    private readonly Dictionary<TopicPartition, long> _committed = [];
    private readonly Dictionary<TopicPartition, long> _printed = [];
    private long _consumed;
    private long _skipped;
    private long _commitFailures;
    private long _refusedWhileRebalancing;
    private long _commitRetries;
    private long _retriesSinceCommit;
    private bool _crashed;
    private bool _abandoned;
    private string? _clientError;
    private TimeSpan? _elapsed;
    private MemberStatusReporter? _status;

    private ConsumerReport(string strategy, ConsumerConfig config, ConsumeOptions options, Reporter reporter, CancellationToken stop)
    {
        _strategy = strategy;
        _config = config;
        _options = options;
        _reporter = reporter;
        _stop = stop;
    }

    /// <summary>
    /// Runs <paramref name="program"/> (a strategy's whole consumer) on a thread of its own, so
    /// its blocking calls never hold the caller. Ctrl+C or a crash ends the loop; the clean stop
    /// that follows (commit per strategy, Close) is bounded, so an unreachable coordinator never
    /// hangs the terminal.
    /// </summary>
    public static async Task<ConsumeOutcome> StartAsync(string strategy, ConsumerConfig config, ConsumeOptions options, Reporter reporter, CancellationToken stop, Action<ConsumerReport> program, bool inGroup = true)
    {
        if (options.Topics.Count == 0) throw new UsageException("no topic to consume from");
        ConsumeOptions.CheckRanges(options.MaxMessages, options.CommitEvery);
        if (inGroup && string.IsNullOrWhiteSpace(config.GroupId)) throw new UsageException("group.id is empty: name a consumer group with --group NAME");

        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, options.Crash);
        var run = new ConsumerReport(strategy, config, options, reporter, either.Token);
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

    private void Execute(Action<ConsumerReport> program)
    {
        try
        {
            program(this);
            if (CrashRequested)
            {
                lock (_lock) _crashed = true;
                _reporter.Emit(new WarningEvent($"{Who}crashed on purpose: nothing committed, group not told; it notices after session.timeout.ms"));
            }
        }
        catch (KafkaException e)
        {
            // A client call that failed outright (Close(), a rebalance handler's call) still ends with the
            // run's summary, so what was consumed and committed is said; the failure fails the run.
            lock (_lock) _clientError = $"{e.Error.Code}: {e.Error.Reason}";
            _reporter.Emit(new ErrorEvent($"{Who}the Kafka client failed: {e.Error.Reason}", e.Error.Code.ToString(), e.Error.IsFatal));
        }
        finally
        {
            lock (_lock) _elapsed = _clock.Elapsed;
            _status?.Dispose();
        }
    }

    /// <summary>
    /// The client's logs and errors go to the event stream (the course's error_cb); then the
    /// consumer is built, and its member starts reporting its assignment for `demo groups watch`.
    /// </summary>
    public IConsumer<string?, string?> Build(ConsumerBuilder<string?, string?> builder)
    {
        var consumer = ClientRefusal.Build(builder
            .SetLogHandler(ClientLog.Handler<IConsumer<string?, string?>>(_reporter, _options.Member))
            .SetErrorHandler(ClientLog.ErrorHandler<IConsumer<string?, string?>>(_reporter))
            .Build);
        _status = MemberStatusReporter.Start(consumer, _config, _options, _reporter);
        return consumer;
    }

    /// <summary>The loop goes on until Ctrl+C, a crash, --max-messages, or (--exit-at-end) every owned partition is at its end.</summary>
    public bool KeepGoing
    {
        get
        {
            if (_stop.IsCancellationRequested || _reporter.OutputClosed.IsCancellationRequested) return false;
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
            _reporter.Emit(new ErrorEvent($"consume: {e.Error.Reason}", e.Error.Code.ToString()));
            return null;
        }
        if (record is null) return null;
        // Partition ends matter only to --exit-at-end (only then does the client report them).
        if (_options.ExitAtEnd)
        {
            lock (_lock)
            {
                if (!record.IsPartitionEOF) _atEnd.Remove(PartitionOf(record));
                else _atEnd.Add(PartitionOf(record));
            }
        }
        return record.IsPartitionEOF ? null : record;
    }

    /// <summary>
    /// The course's per-record work: print('%s-%d-%d : (%s , %s)') and the simulated work
    /// (--process-delay, cut short by a stop); with --json a value that is not JSON is reported
    /// as skipped. Either way the record counts as processed: its offset + 1 may be committed,
    /// once its line has reached the output (see <see cref="Processed"/>).
    /// </summary>
    public void Process(ConsumeResult<string?, string?> record)
    {
        string? value = record.Message.Value;
        var tp = PartitionOf(record);
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
        _reporter.Tally.CountConsumed(value?.Length ?? 0);
        // No event per record when nothing prints or observes it (a benchmark): the tally counts it.
        if (_reporter.WantsPerMessage) Emit(new ConsumedEvent(tp.Topic, tp.Partition.Value, record.Offset.Value, record.Message.Key, value,
            record.Message.Timestamp.Type == TimestampType.NotAvailable ? null : record.Message.Timestamp.UtcDateTime)
        {
            Headers = ConsumedEvent.From(record.Message.Headers),
            TimestampType = ConsumedEvent.Timestamps.Of(record.Message.Timestamp.Type),
            Format = _options.Format,
        });
        if (_options.ProcessDelay > TimeSpan.Zero) _stop.WaitHandle.WaitOne(_options.ProcessDelay);
        // Printing is the work: a record whose line could not be written (stdout closed) is not processed.
        if (_reporter.OutputClosed.IsCancellationRequested) return;
        lock (_lock)
        {
            _consumed++;
            _processed[tp] = record.Offset.Value + 1;
        }
        if (_options.ProcessDelay > TimeSpan.Zero && !CrashRequested && _reporter.WantsPerMessage) Emit(new ProcessedEvent(tp.Topic, tp.Partition.Value, record.Offset.Value));
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

    private void Emit(ConsumerEvent e) => _reporter.Emit(e with { Member = _options.Member });

    private string Who => _options.Member is null ? "" : $"{_options.Member} ";

    /// <summary>The clean stop did not finish within its bound: report it and leave the client behind.</summary>
    private void Abandon()
    {
        lock (_lock) _abandoned = true;
        _reporter.Emit(new ErrorEvent(
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
                ConsumerEvent.Sorted(_assignment).Select(TopicPartitionJsonConverter.Format).ToList(),
                _elapsed ?? _clock.Elapsed,
                _crashed,
                _abandoned,
                _commitRetries,
                _clientError);
        }
    }
}
