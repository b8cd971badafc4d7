using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Tests;

/// <summary>librdkafka's offset-reset warnings, as it writes them, become offset_reset events; other lines stay warnings.</summary>
public sealed class OffsetResetLogTests
{
    /// <summary>Seen from librdkafka 2.16 on the embedded broker (OffsetResetTests makes it happen).</summary>
    private const string Truncation = "[thrd:main]: moved [0]: offset reset (at offset 5 (leader epoch 1), broker 2) to offset BEGINNING (leader epoch -1): " +
        "No epoch found less or equal to offset 5 (leader epoch 1): broker end offset is -1 (offset leader epoch 1). Reset using configured policy.: Local: Partition log truncation detected";

    private static EventLog Log(string facility, string message, string? member = null)
    {
        var events = new EventLog();
        ClientLog.Handler<object>(Reporter.Silent(events), member)(new object(), new LogMessage("rdkafka#consumer-1", SyslogLevel.Warning, facility, message));
        return events;
    }

    [Fact]
    public void A_reset_after_log_truncation_names_the_partition_the_offset_it_left_and_where_it_restarts()
    {
        var events = Log("OFFSET", Truncation, member: "consumer-4");

        var reset = Assert.Single(events.Of<OffsetResetEvent>());
        Assert.Equal(("moved", 0, (long?)5, "beginning", "consumer-4"), (reset.Topic, reset.Partition, reset.From, reset.To, reset.Member));
        Assert.StartsWith("No epoch found", reset.Reason);
        Assert.Equal("[consumer-4] Offset reset: moved-0 restarts at the beginning, not at offset 5 (auto.offset.reset): " + reset.Reason, reset.ToText());
        Assert.Empty(events.Of<WarningEvent>());
    }

    [Theory]
    [InlineData("t.a [12]: offset reset (at offset 900, broker 1) to offset END (leader epoch -1): fetch failed due to requested offset not available on the broker: Broker: Offset out of range", "t.a", 12, 900L, "end")]
    [InlineData("t [3]: offset reset (at offset 7 (leader epoch 0), broker 1) to cached BEGINNING offset offset 2 (leader epoch -1): out of range: Broker: Offset out of range", "t", 3, 7L, "beginning")]
    [InlineData("t [0]: offset reset (at offset INVALID, broker -1) to offset 42: reason: Local: No offset stored", "t", 0, null, "42")]
    public void Every_form_of_the_line_is_read(string line, string topic, int partition, long? from, string to)
    {
        var reset = Assert.Single(Log("OFFSET", line).Of<OffsetResetEvent>());

        Assert.Equal((topic, partition, from, to), (reset.Topic, reset.Partition, reset.From, reset.To));
    }

    /// <summary>The control: the same words under another facility, or another OFFSET line, stay a warning.</summary>
    [Theory]
    [InlineData("FETCH", Truncation)]
    [InlineData("OFFSET", "[thrd:main]: moved [0]: offset commit failed: Broker: Not coordinator")]
    public void Other_lines_stay_warnings(string facility, string line)
    {
        var events = Log(facility, line);

        Assert.Empty(events.Of<OffsetResetEvent>());
        Assert.Single(events.Of<WarningEvent>());
    }
}
