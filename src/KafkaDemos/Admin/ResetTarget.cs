using System.Globalization;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>
/// Where `groups reset-offsets` moves each partition, as kafka-consumer-groups names it:
/// --to-earliest, --to-latest, --to-offset N, --shift-by N, --to-datetime TIME. Every target is
/// kept within the log's start and end, as Kafka's tool keeps it.
/// </summary>
public abstract record ResetTarget
{
    public const string Choices = "--to-earliest, --to-latest, --to-offset N, --shift-by N, --to-datetime TIME";

    /// <summary>The new offset of one partition; <paramref name="byTime"/> holds the offsets-for-times answer of --to-datetime.</summary>
    public abstract long NewOffset(PartitionPosition position, IReadOnlyDictionary<TopicPartition, long> byTime);

    /// <summary>The time whose offsets the broker is asked for (offsets-for-times), null for the other targets.</summary>
    public virtual DateTimeOffset? Time => null;

    public sealed record Earliest : ResetTarget
    {
        public override long NewOffset(PartitionPosition position, IReadOnlyDictionary<TopicPartition, long> byTime) => position.Low;
    }

    public sealed record Latest : ResetTarget
    {
        public override long NewOffset(PartitionPosition position, IReadOnlyDictionary<TopicPartition, long> byTime) => position.High;
    }

    public sealed record ToOffset(long Offset) : ResetTarget
    {
        public override long NewOffset(PartitionPosition position, IReadOnlyDictionary<TopicPartition, long> byTime) =>
            Math.Clamp(Offset, position.Low, position.High);
    }

    /// <summary>
    /// The committed offset moved by N (negative: back). A partition with nothing committed is
    /// shifted from where the group would start there: <paramref name="FromEnd"/> when
    /// auto.offset.reset is latest, else the log start.
    /// </summary>
    public sealed record ShiftBy(long By, bool FromEnd) : ResetTarget
    {
        public override long NewOffset(PartitionPosition position, IReadOnlyDictionary<TopicPartition, long> byTime)
        {
            long from = position.Committed ?? (FromEnd ? position.High : position.Low);
            long target = By >= 0 ? (from > long.MaxValue - By ? long.MaxValue : from + By) : (from < long.MinValue - By ? long.MinValue : from + By);
            return Math.Clamp(target, position.Low, position.High);
        }
    }

    /// <summary>The first offset whose timestamp is at or after the time; the log end where none is (nothing that recent).</summary>
    public sealed record ToDatetime(DateTimeOffset At) : ResetTarget
    {
        public override DateTimeOffset? Time => At;

        public override long NewOffset(PartitionPosition position, IReadOnlyDictionary<TopicPartition, long> byTime) =>
            byTime.TryGetValue(position.Partition, out long offset) && offset >= 0 ? Math.Clamp(offset, position.Low, position.High) : position.High;
    }

    /// <summary>The formats --to-datetime takes: ISO 8601, to the day, minute, second or fraction; a zone (Z, +02:00) or, without one, local time as Kafka's tool reads it.</summary>
    private static readonly string[] DatetimeFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
    ];

    public static DateTimeOffset ParseDatetime(string text)
    {
        if (DateTimeOffset.TryParseExact(text, DatetimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var at)) return at;
        throw new UsageException($"--to-datetime '{text}' is not an ISO-8601 time such as 2026-12-06T09:30:00Z, 2026-12-06T10:30:00+01:00 or 2026-12-06 (no zone: local time)");
    }

    /// <summary>The one target the flags name; none or several is a usage error.</summary>
    public static ResetTarget From(bool earliest, bool latest, long? offset, string? shiftBy, string? datetime, bool startsAtEnd)
    {
        int given = (earliest ? 1 : 0) + (latest ? 1 : 0) + (offset is null ? 0 : 1) + (shiftBy is null ? 0 : 1) + (datetime is null ? 0 : 1);
        if (given != 1) throw new UsageException($"give exactly one of {Choices} ({given} given)");
        if (offset is long n && n < 0) throw new UsageException($"--to-offset {n} must be 0 or more");
        if (shiftBy is not null)
        {
            return long.TryParse(shiftBy, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long by)
                ? new ShiftBy(by, startsAtEnd)
                : throw new UsageException($"--shift-by '{shiftBy}' is not a whole number (e.g. --shift-by -10 moves 10 records back)");
        }
        if (datetime is not null) return new ToDatetime(ParseDatetime(datetime));
        return earliest ? new Earliest() : latest ? new Latest() : new ToOffset(offset!.Value);
    }
}
