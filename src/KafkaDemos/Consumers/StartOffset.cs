using System.Globalization;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>
/// Where a read without a group starts in each partition (--offset), in kcat's words: a number,
/// <c>beginning</c>, <c>end</c>, <c>-N</c> (the last N records) or <c>@TIME</c> or kcat's <c>s@TIME</c> (the first record
/// at or after TIME, epoch milliseconds or ISO-8601, found with offsets-for-times).
/// </summary>
public sealed record StartOffset
{
    private enum Kind { At, Beginning, End, Last, Time }

    private readonly Kind _kind;
    private readonly long _value;

    private StartOffset(string text, Kind kind, long value)
    {
        Text = text;
        _kind = kind;
        _value = value;
    }

    /// <summary>The value as given.</summary>
    public string Text { get; }

    public static readonly StartOffset End = new("end", Kind.End, 0);

    public static StartOffset Parse(string text)
    {
        string value = text.Trim();
        if (value.Equals("beginning", StringComparison.OrdinalIgnoreCase)) return new(text, Kind.Beginning, 0);
        if (value.Equals("end", StringComparison.OrdinalIgnoreCase)) return new(text, Kind.End, 0);
        // kcat writes s@TIME; the console tools' users know @TIME.
        if (value.StartsWith('@') || value.StartsWith("s@", StringComparison.Ordinal)) return new(text, Kind.Time, ParseTime(text, value[(value.IndexOf('@') + 1)..]));
        if (value.StartsWith('-'))
        {
            if (long.TryParse(value.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out long last) && last > 0) return new(text, Kind.Last, last);
            throw new UsageException($"--offset '{text}': -N reads the last N records, N a whole number of at least 1 (e.g. -10)");
        }
        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long at)) return new(text, Kind.At, at);
        throw new UsageException($"--offset '{text}' is not an offset: give a number, beginning, end, -N (the last N records) or @TIME (epoch ms or ISO-8601)");
    }

    private static long ParseTime(string text, string time)
    {
        if (long.TryParse(time, NumberStyles.None, CultureInfo.InvariantCulture, out long ms)) return ms;
        if (DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) && when >= DateTimeOffset.UnixEpoch)
            return when.ToUnixTimeMilliseconds();
        throw new UsageException($"--offset '{text}': @TIME is epoch milliseconds (@1767225600000) or an ISO-8601 time (@2026-01-01T00:00:00Z)");
    }

    /// <summary>
    /// The offset to Assign() in <paramref name="partition"/>, with how it was found, for the start's
    /// status line. Asks the partition's leader for its first and next offsets (QueryWatermarkOffsets)
    /// and, for @TIME, the first offset at or after it (OffsetsForTimes). An offset outside the log is
    /// a usage error naming it: librdkafka would otherwise jump to auto.offset.reset without a word.
    /// </summary>
    public (TopicPartitionOffset Start, string How) Resolve(IConsumer<string?, string?> consumer, TopicPartition partition, TimeSpan bound)
    {
        var log = consumer.QueryWatermarkOffsets(partition, bound);
        long low = log.Low.Value, high = log.High.Value;
        string range = $"{partition.Topic}-{partition.Partition.Value} holds offsets {low}..{high - 1}, next {high}";
        if (low >= high) range = $"{partition.Topic}-{partition.Partition.Value} is empty, next offset {high}";
        switch (_kind)
        {
            case Kind.Beginning:
                return (new(partition, low), $"from its beginning, offset {low} ({range})");
            case Kind.End:
                return (new(partition, high), $"from its end, offset {high}: only records produced from now on ({range})");
            case Kind.Last:
                long from = Math.Max(low, high - _value);
                return (new(partition, from), $"the last {high - from} record(s), from offset {from} ({range})");
            case Kind.Time:
                var found = consumer.OffsetsForTimes([new TopicPartitionTimestamp(partition, new Timestamp(_value, TimestampType.CreateTime))], bound)[0];
                string at = DateTimeOffset.FromUnixTimeMilliseconds(_value).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
                if (found.Offset.Value >= 0) return (new(partition, found.Offset.Value), $"from offset {found.Offset.Value}, the first record at or after {at} ({range})");
                // "None that late" is checked: a broker without offsets-for-times (the embedded one) says it for every time.
                if (TimeSearch.ByReading(consumer, partition, low, high, _value, bound) is long read)
                    return (new(partition, read), $"from offset {read}, the first record at or after {at}, found by reading: the broker did not answer offsets-for-times ({range})");
                return (new(partition, high), $"from its end, offset {high}: no record at or after {at} ({range})");
            default:
                if (_value > high)
                    throw new UsageException($"--offset {Text} is past the end of {partition.Topic}-{partition.Partition.Value}, whose next offset is {high} (--offset end waits for new records)");
                if (_value < low)
                    throw new UsageException($"--offset {Text} is before the first offset {partition.Topic}-{partition.Partition.Value} still holds, {low} (--offset beginning starts there)");
                return (new(partition, _value), $"from offset {_value} ({range})");
        }
    }
}
