using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>What one consumer run is asked to do, the same for every commit strategy.</summary>
public sealed record ConsumeOptions
{
    public required IReadOnlyList<string> Topics { get; init; }

    /// <summary>Names this consumer in its events ("member" field, "[name]" prefix) when several run in one process.</summary>
    public string? Member { get; init; }

    /// <summary>Stop after this many records (consumed plus skipped); null: until stopped.</summary>
    public long? MaxMessages { get; init; }

    /// <summary>Stop once every assigned partition has reached its end (partition EOF).</summary>
    public bool ExitAtEnd { get; init; }

    /// <summary>Values must be JSON; any other value is reported as skipped and committed past.</summary>
    public bool Json { get; init; }

    /// <summary>The text line of each record (--format, kcat's tokens); null: the course's line.</summary>
    public RecordFormat? Format { get; init; }

    /// <summary>
    /// Read these partitions from these starting places without a group (--partition/--offset):
    /// Assign, never Subscribe or commit. Null: join the group and subscribe to <see cref="Topics"/>.
    /// </summary>
    public IReadOnlyList<int>? Partitions { get; init; }

    /// <summary>Where each of <see cref="Partitions"/> starts (--offset).</summary>
    public StartOffset Start { get; init; } = StartOffset.End;

    /// <summary>Simulated work per record, so a rebalance can arrive while a batch is in flight.</summary>
    public TimeSpan ProcessDelay { get; init; }

    /// <summary>Records per commit for the strategies that commit in batches (sync, specified).</summary>
    public int CommitEvery { get; init; } = DefaultCommitEvery;

    /// <summary>Topic on which the member reports its assignment for `demo groups watch`; null: no reports.</summary>
    public string? StatusTopic { get; init; }

    /// <summary>Bound of the clean stop (commit and Close) after the stop token fires.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Fired to simulate a crash: the consumer stops at once and is disposed without committing
    /// and without Close(), so the group notices only after session.timeout.ms.
    /// </summary>
    public CancellationToken Crash { get; init; }

    public const int DefaultCommitEvery = 10;

    /// <summary>The ranges of --max-messages and --commit-every, checked by the command before it contacts the broker and by every run.</summary>
    public static void CheckRanges(long? maxMessages, int commitEvery)
    {
        if (maxMessages is < 1) throw new UsageException($"--max-messages {maxMessages} must be at least 1 (leave it out to consume until Ctrl+C)");
        if (commitEvery < 1) throw new UsageException($"--commit-every {commitEvery} must be at least 1");
    }
}

/// <summary>How a consumer run ended: the figures of the summary, and who owned what at the end.</summary>
public sealed record ConsumeOutcome(
    string Strategy,
    string? Member,
    long Consumed,
    long Skipped,
    long CommitFailures,
    long CommitsRefusedWhileRebalancing,
    IReadOnlyDictionary<string, long> Committed,
    IReadOnlyList<string> Assignment,
    TimeSpan Elapsed,
    bool Crashed,
    bool Abandoned,
    long CommitRetries = 0,
    string? ClientError = null)
{
    /// <summary>
    /// True when no commit failed for a reason that loses track of progress, no client call failed
    /// outright (<see cref="ClientError"/>), and the consumer left the group cleanly (or was crashed on
    /// purpose). A commit refused because the group was rebalancing is normal Kafka behaviour (the next
    /// owner reads those records again) and does not fail the run.
    /// </summary>
    public bool Succeeded => CommitFailures == 0 && !Abandoned && ClientError is null;

    public SummaryEvent ToSummary() => new("consume",
    [
        new("strategy", Strategy),
        .. Member is null ? Array.Empty<KeyValuePair<string, object?>>() : [new("member", Member)],
        new("consumed", Consumed),
        new("skipped", Skipped),
        new("committed", Committed.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value)),
        new("commit_failures", CommitFailures),
        new("commits_refused_while_rebalancing", CommitsRefusedWhileRebalancing),
        new("commit_retries", CommitRetries),
        new("elapsed_s", Math.Round(Elapsed.TotalSeconds, 2)),
        .. Crashed ? [new KeyValuePair<string, object?>("crashed", true)] : Array.Empty<KeyValuePair<string, object?>>(),
        .. ClientError is null ? Array.Empty<KeyValuePair<string, object?>>() : [new("client_error", ClientError)],
    ]);
}

/// <summary>One commit strategy: the course's Consumer_0x file, runnable in-process or from `demo consume`.</summary>
public delegate Task<ConsumeOutcome> CommitStrategy(ConsumerConfig config, ConsumeOptions options, Reporter reporter, CancellationToken stop);
