using KafkaDemos.Configuration;
using KafkaDemos.Consumers;
using KafkaDemos.Core;

namespace KafkaDemos.Tests;

/// <summary>`--group-protocol consumer`: no client-side assignor, no client-side session timing.</summary>
public sealed class GroupProtocolSettingsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private DemoConfiguration Load(params FlagSetting[] flags) => ConfigLoader.Load(new ConfigRequest
    {
        CurrentDirectory = _dir.Path,
        BaseDirectory = _dir.Path,
        Flags = flags,
    });

    private static FlagSetting Consumer(string key, string value, string flag) => new(ConfigSections.Consumer, key, value, flag);

    [Fact]
    public void Under_the_consumer_protocol_the_default_session_timeout_is_left_out_with_a_note()
    {
        var config = Load(Consumer("group.protocol", "consumer", "--group-protocol"));
        var notes = new List<string>();

        var applied = GroupProtocolSettings.Apply(config, config.ConsumerConfig(), notes);

        Assert.Null(applied.Get("session.timeout.ms"));
        Assert.Equal("consumer", applied.Get("group.protocol"));
        Assert.Contains(notes, n => n.Contains("session.timeout.ms=6000 (from default)", StringComparison.Ordinal));
    }

    [Fact]
    public void Negative_control_under_the_classic_protocol_the_same_settings_stay()
    {
        var config = Load(Consumer("partition.assignment.strategy", "range", "--assignment-strategy"));
        var notes = new List<string>();

        var applied = GroupProtocolSettings.Apply(config, config.ConsumerConfig(), notes);

        Assert.Equal("6000", applied.Get("session.timeout.ms"));
        Assert.Equal("range", applied.Get("partition.assignment.strategy"));
        Assert.Empty(notes);
    }

    [Theory]
    [InlineData("partition.assignment.strategy", "range", "--assignment-strategy")]
    [InlineData("session.timeout.ms", "3000", "-X")]
    [InlineData("heartbeat.interval.ms", "500", "-X")]
    public void A_classic_setting_given_on_purpose_contradicts_the_consumer_protocol(string key, string value, string flag)
    {
        var config = Load(Consumer("group.protocol", "consumer", "--group-protocol"), Consumer(key, value, flag));

        var e = Assert.Throws<UsageException>(() => GroupProtocolSettings.Apply(config, config.ConsumerConfig(), new List<string>()));

        Assert.Contains($"{key}={value} (from flag {flag})", e.Message, StringComparison.Ordinal);
        Assert.Contains("--group-protocol consumer", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
