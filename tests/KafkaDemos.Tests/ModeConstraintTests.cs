using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Tests;

/// <summary>A property that contradicts the chosen mode or strategy is refused the same way from every source.</summary>
public sealed class ModeConstraintTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ConfigRequest Request(IReadOnlyList<PropertyConstraint> constraints) =>
        new() { CurrentDirectory = _dir.Path, BaseDirectory = _dir.Path, Constraints = constraints };

    public static TheoryData<string, string, string> Sources() => new()
    {
        { "-X", "acks", "2" },
        { "--acks", "acks", "2" },
        { "properties", "acks", "2" },
        { "json", "acks", "2" },
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public void Acks_outside_the_course_values_are_refused_from_every_source(string source, string property, string value)
    {
        var error = Assert.Throws<UsageException>(() => ConfigLoader.Load(From(source, property, value, Request(ModeConstraints.ForProducer("async")))));

        Assert.Contains($"{property}={value} (from ", error.Message);
        Assert.Contains("contradicts --mode async", error.Message);
    }

    [Theory]
    [InlineData("sync", "true")]
    [InlineData("specified", "true")]
    [InlineData("rebalance", "true")]
    [InlineData("auto", "false")]
    [InlineData("async", "false")]
    public void Enable_auto_commit_against_the_strategy_is_refused(string strategy, string value)
    {
        var error = Assert.Throws<UsageException>(() =>
            ConfigLoader.Load(From("-X", "enable.auto.commit", value, Request(ModeConstraints.ForCommitStrategy(strategy)))));

        Assert.Contains($"enable.auto.commit={value} (from flag -X) contradicts --commit {strategy}", error.Message);
    }

    /// <summary>The control: the same values load when the mode or strategy agrees with them, and without constraints.</summary>
    [Theory]
    [InlineData("auto", "enable.auto.commit", "true")]
    [InlineData("sync", "enable.auto.commit", "false")]
    [InlineData("async", "enable.auto.offset.store", "false")]
    public void Values_the_strategy_agrees_with_load(string strategy, string property, string value)
    {
        var config = ConfigLoader.Load(From("-X", property, value, Request(ModeConstraints.ForCommitStrategy(strategy))));

        Assert.Equal(value, config.Client(ClientKind.Consumer)[property].Value);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Without_the_constraints_the_same_value_loads(string source, string property, string value)
    {
        var config = ConfigLoader.Load(From(source, property, value, Request([])));

        Assert.Equal(value, config.Client(ClientKind.Producer)[property].Value);
    }

    [Fact]
    public void Idempotent_mode_refuses_acks_1_and_idempotence_off()
    {
        Assert.Contains("contradicts --mode idempotent", Assert.Throws<UsageException>(() =>
            ConfigLoader.Load(From("-X", "acks", "1", Request(ModeConstraints.ForProducer("idempotent"))))).Message);
        Assert.Contains("contradicts --mode idempotent", Assert.Throws<UsageException>(() =>
            ConfigLoader.Load(From("-X", "enable.idempotence", "false", Request(ModeConstraints.ForProducer("idempotent"))))).Message);
    }

    private ConfigRequest From(string source, string property, string value, ConfigRequest request) => source switch
    {
        "-X" => request with { Properties = [$"{property}={value}"] },
        "--acks" => request with { Flags = [new FlagSetting(ConfigSections.Producer, property, value, "--acks")] },
        "properties" => request with { ConfigFiles = [_dir.Write("client.properties", $"{property}={value}\n")] },
        _ => request with { ConfigFiles = [_dir.Write("demo.json", $$"""{ "Kafka": { "Producer": { "{{property}}": "{{value}}" } } }""")] },
    };
}
