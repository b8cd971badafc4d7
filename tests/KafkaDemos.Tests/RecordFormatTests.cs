using KafkaDemos.Consumers;
using KafkaDemos.Core;

namespace KafkaDemos.Tests;

/// <summary>--format (kcat's tokens) parsed once and rendered per record; --offset's forms.</summary>
public sealed class RecordFormatTests
{
    private static readonly DateTime At = DateTime.UnixEpoch.AddMilliseconds(1_700_000_000_123);

    private static ConsumedEvent Record(string? key = "k1", string? value = "välue") =>
        new("orders", 2, 17, key, value, At)
        {
            Headers = [new RecordHeader("trace", "abc"), new RecordHeader("empty", null)],
            TimestampType = ConsumedEvent.Timestamps.CreateTime,
        };

    [Theory]
    [InlineData(@"%p %o %k %s\n", "2 17 k1 välue")]
    [InlineData("%t/%p/%o", "orders/2/17")]
    [InlineData(@"%T\t%K\t%S", "1700000000123\t2\t6")]
    [InlineData("%h", "trace=abc,empty")]
    [InlineData(@"100%% \\ %s", @"100% \ välue")]
    [InlineData(@"%s\n\n", "välue\n")]
    [InlineData("plain", "plain")]
    public void Renders_each_token(string format, string line) =>
        Assert.Equal(line, RecordFormat.Parse(format).Render(Record()));

    [Fact]
    public void A_tombstone_and_a_null_key_print_null_and_length_minus_1_unlike_the_text_null()
    {
        var format = RecordFormat.Parse("%k|%s|%K|%S");

        Assert.Equal("null|null|-1|-1", format.Render(Record(key: null, value: null)));
        // The control: the text "null" is four bytes long.
        Assert.Equal("null|null|4|4", format.Render(Record(key: "null", value: "null")));
    }

    [Fact]
    public void No_timestamp_is_minus_1_and_no_headers_is_empty()
    {
        var record = new ConsumedEvent("t", 0, 0, "k", "v", null);

        Assert.Equal("-1||NotAvailable", RecordFormat.Parse("%T|%h|").Render(record) + record.TimestampType);
    }

    [Theory]
    [InlineData("%x", "unknown token '%x'")]
    [InlineData("%p %", "ends with a lone '%'")]
    [InlineData(@"%p \", @"ends with a lone '\'")]
    [InlineData(@"\q", @"unknown escape '\q'")]
    [InlineData("%P", "unknown token '%P'")]
    [InlineData("", "is empty")]
    public void A_malformed_format_is_a_usage_error_naming_it(string format, string message)
    {
        var e = Assert.Throws<UsageException>(() => RecordFormat.Parse(format));

        Assert.Contains(message, e.Message);
        Assert.Contains($"'{format}'", e.Message);
    }

    [Fact]
    public void The_course_line_is_the_default()
    {
        var record = Record() with { Headers = null };

        Assert.Equal("orders-2-17 : (k1 , välue)", record.ToText());
        Assert.Equal("2", (record with { Format = RecordFormat.Parse("%p") }).ToText());
    }

    [Theory]
    [InlineData("17")]
    [InlineData("beginning")]
    [InlineData("END")]
    [InlineData("-5")]
    [InlineData("@1700000000000")]
    [InlineData("s@1700000000000")]
    [InlineData("@2026-01-01T00:00:00Z")]
    public void Offsets_in_every_form_parse(string offset) => Assert.Equal(offset, StartOffset.Parse(offset).Text);

    [Theory]
    [InlineData("x")]
    [InlineData("-0")]
    [InlineData("-x")]
    [InlineData("1.5")]
    [InlineData("@")]
    [InlineData("@noon")]
    [InlineData("+3")]
    public void A_malformed_offset_is_a_usage_error_naming_it(string offset)
    {
        var e = Assert.Throws<UsageException>(() => StartOffset.Parse(offset));

        Assert.Contains($"'{offset}'", e.Message);
    }
}
