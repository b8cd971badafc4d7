using System.Text.RegularExpressions;

namespace KafkaDemos.Labs;

/// <summary>
/// The tour and labs send numbered messages (msg_17, {"num": 17}) so that, reading back,
/// each record's number says whether it arrived once, twice or never, and in which order.
/// </summary>
public static partial class SequenceCheck
{
    /// <summary>The message number in a value: the last whole number in it.</summary>
    public static long? NumberOf(string? value)
    {
        if (value is null) return null;
        var matches = Number().Matches(value);
        return matches.Count == 0 ? null : long.Parse(matches[^1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>How many of 0..expected-1 arrived more than once (extra copies), and how many never.</summary>
    public static (long Duplicates, long Lost) Count(IEnumerable<long> numbers, long expected)
    {
        var seen = new Dictionary<long, int>();
        foreach (var n in numbers) seen[n] = seen.GetValueOrDefault(n) + 1;
        long duplicates = seen.Values.Sum(c => (long)c - 1);
        long lost = 0;
        for (long n = 0; n < expected; n++)
            if (!seen.ContainsKey(n)) lost++;
        return (duplicates, lost);
    }

    /// <summary>True when, within each partition, message numbers rise with the offset (the order they were sent).</summary>
    public static bool InOrderPerPartition(IEnumerable<StoredRecord> records) =>
        records.GroupBy(r => r.Partition).All(partition =>
        {
            long last = -1;
            foreach (var record in partition.OrderBy(r => r.Offset))
            {
                long n = NumberOf(record.Value) ?? -1;
                if (n < last) return false;
                last = n;
            }
            return true;
        });

    [GeneratedRegex(@"\d+")]
    private static partial Regex Number();
}
