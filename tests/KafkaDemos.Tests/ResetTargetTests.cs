using Confluent.Kafka;
using KafkaDemos.Admin;
using KafkaDemos.Core;

namespace KafkaDemos.Tests;

public sealed class ResetTargetTests
{
    private static readonly TopicPartition Partition = new("t", 0);
    private static readonly Dictionary<TopicPartition, long> NoTimes = [];

    private static PartitionPosition At(long? committed, long low = 2, long high = 10) => new(Partition, committed, low, high);

    [Theory]
    [InlineData(5L, "-2", 3L)]
    [InlineData(5L, "+3", 8L)]
    [InlineData(5L, "100", 10L)]
    [InlineData(5L, "-100", 2L)]
    [InlineData(null, "1", 3L)]
    [InlineData(5L, "-9223372036854775808", 2L)]
    [InlineData(5L, "9223372036854775807", 10L)]
    public void Shift_by_moves_the_committed_offset_within_the_log(long? committed, string by, long expected) =>
        Assert.Equal(expected, ResetTarget.From(false, false, null, by, null, startsAtEnd: false).NewOffset(At(committed), NoTimes));

    [Fact]
    public void Shift_by_without_a_commit_starts_at_the_log_end_when_the_group_would() =>
        Assert.Equal(8, ResetTarget.From(false, false, null, "-2", null, startsAtEnd: true).NewOffset(At(null), NoTimes));

    [Theory]
    [InlineData(-1L, 10L)]
    [InlineData(4L, 4L)]
    [InlineData(0L, 2L)]
    public void To_datetime_takes_the_brokers_offset_and_none_is_the_log_end(long answer, long expected) =>
        Assert.Equal(expected, new ResetTarget.ToDatetime(DateTimeOffset.UnixEpoch).NewOffset(At(5), new Dictionary<TopicPartition, long> { [Partition] = answer }));

    [Theory]
    [InlineData("2026-12-06T09:30:00Z", "2026-12-06T09:30:00Z")]
    [InlineData("2026-12-06T10:30:00+01:00", "2026-12-06T09:30:00Z")]
    [InlineData("2026-12-06T09:30:00.250Z", "2026-12-06T09:30:00.25Z")]
    [InlineData("2026-12-06T09:30Z", "2026-12-06T09:30:00Z")]
    public void Iso_times_with_a_zone_are_read_as_that_instant(string text, string utc) =>
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), ResetTarget.ParseDatetime(text));

    [Fact]
    public void An_iso_time_without_a_zone_is_local_time_as_kafkas_tool_reads_it() =>
        Assert.Equal(new DateTimeOffset(new DateTime(2026, 12, 6, 9, 30, 0, DateTimeKind.Local)), ResetTarget.ParseDatetime("2026-12-06T09:30:00"));

    [Theory]
    [InlineData("yesterday")]
    [InlineData("06/12/2026")]
    [InlineData("2026-12-06 09:30")]
    [InlineData("2026-02-30")]
    public void Anything_else_is_a_usage_error_naming_it(string text) =>
        Assert.Contains($"'{text}'", Assert.Throws<UsageException>(() => ResetTarget.ParseDatetime(text)).Message);

    [Theory]
    [InlineData("ten")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("99999999999999999999")]
    public void A_shift_that_is_not_a_whole_number_is_a_usage_error_naming_it(string by) =>
        Assert.Contains($"--shift-by '{by}'", Assert.Throws<UsageException>(() => ResetTarget.From(false, false, null, by, null, false)).Message);

    [Fact]
    public void Exactly_one_target_is_needed()
    {
        Assert.Contains("(0 given)", Assert.Throws<UsageException>(() => ResetTarget.From(false, false, null, null, null, false)).Message);
        Assert.Contains("(2 given)", Assert.Throws<UsageException>(() => ResetTarget.From(true, false, null, "1", null, false)).Message);
    }
}
