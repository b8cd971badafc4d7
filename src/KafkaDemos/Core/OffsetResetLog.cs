using System.Text.RegularExpressions;

namespace KafkaDemos.Core;

/// <summary>
/// librdkafka's warning when it resets a partition's position, e.g.
/// "t [2]: offset reset (at offset 1214 (leader epoch 1), broker 2) to offset BEGINNING (leader epoch -1): No epoch found ...: Local: Partition log truncation detected".
/// It raises no event for a reset that succeeds, yet the records after it are read twice or never:
/// the line is the only word of it, so it is read back into an <see cref="OffsetResetEvent"/>.
/// </summary>
public static partial class OffsetResetLog
{
    [GeneratedRegex(@"^(?<topic>\S+) \[(?<partition>\d+)\]: offset reset \(at (?:offset )?(?<at>-?\d+|[A-Z]+)[^,]*, broker -?\d+\) to (?<to>[^:]+): (?<reason>.+)$")]
    private static partial Regex Line();

    [GeneratedRegex(@"\b(?<where>BEGINNING|END|\d+)\b")]
    private static partial Regex Target();

    public static bool TryParse(string message, out OffsetResetEvent reset)
    {
        reset = null!;
        var m = Line().Match(message);
        if (!m.Success || !int.TryParse(m.Groups["partition"].Value, out int partition)) return false;
        long? from = long.TryParse(m.Groups["at"].Value, out long at) && at >= 0 ? at : null;
        var target = Target().Match(m.Groups["to"].Value);
        string to = !target.Success ? m.Groups["to"].Value.Trim()
            : target.Value switch { "BEGINNING" => "beginning", "END" => "end", var offset => offset };
        reset = new OffsetResetEvent(m.Groups["topic"].Value, partition, from, to, m.Groups["reason"].Value);
        return true;
    }
}
