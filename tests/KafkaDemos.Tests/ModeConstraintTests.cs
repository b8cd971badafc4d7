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

    /// <summary>librdkafka's aliases are one property: each spelling meets the constraints of the name the loader keeps.</summary>
    [Theory]
    [InlineData("idempotent", "max.in.flight.requests.per.connection", "10", "max.in.flight=10")]
    [InlineData("idempotent", "max.in.flight", "6", "max.in.flight=6")]
    [InlineData("idempotent", "request.required.acks", "1", "acks=1")]
    [InlineData("idempotent", "retries", "0", "message.send.max.retries=0")]
    [InlineData("idempotent", "message.send.max.retries", "0", "message.send.max.retries=0")]
    [InlineData("async", "request.required.acks", "2", "acks=2")]
    public void Every_spelling_of_a_property_meets_the_modes_constraints(string mode, string spelled, string value, string named)
    {
        var error = Assert.Throws<UsageException>(() => ConfigLoader.Load(From("-X", spelled, value, Request(ModeConstraints.ForProducer(mode)))));

        Assert.Contains($"{named} (from flag -X", error.Message);
        Assert.Contains($"contradicts --mode {mode}", error.Message);
        if (spelled != named.Split('=')[0]) Assert.Contains($"spelled {spelled}", error.Message);
    }

    /// <summary>The control: values idempotence allows load, in every spelling, under the name the client reads.</summary>
    [Theory]
    [InlineData("max.in.flight.requests.per.connection", "5", "max.in.flight")]
    [InlineData("request.required.acks", "all", "acks")]
    [InlineData("retries", "3", "message.send.max.retries")]
    public void Allowed_values_load_under_one_name(string spelled, string value, string kept)
    {
        var config = ConfigLoader.Load(From("-X", spelled, value, Request(ModeConstraints.ForProducer("idempotent"))));

        Assert.Equal(value, config.Client(ClientKind.Producer)[kept].Value);
        Assert.False(config.Client(ClientKind.Producer).ContainsKey(spelled));
    }

    /// <summary>An alias on the command line overrides the other spelling in a file: they are one property.</summary>
    [Fact]
    public void An_alias_overrides_the_other_spelling_from_a_lower_layer()
    {
        var request = Request([]) with
        {
            ConfigFiles = [_dir.Write("demo.json", """{ "Kafka": { "Producer": { "acks": "all" } } }""")],
            Properties = ["request.required.acks=1"],
        };

        var producer = ConfigLoader.Load(request).ProducerConfig();

        Assert.Equal(Confluent.Kafka.Acks.Leader, producer.Acks);
        Assert.DoesNotContain(producer, p => p.Key == "request.required.acks");
    }

    /// <summary>
    /// enable.idempotence=true asked for in another mode brings librdkafka's conditions for it, refused
    /// with the value named (they used to end in an "unexpected InvalidOperationException" when the client started).
    /// </summary>
    [Theory]
    [InlineData("acks", "1", "acks=1")]
    [InlineData("request.required.acks", "0", "acks=0")]
    [InlineData("retries", "0", "message.send.max.retries=0")]
    [InlineData("max.in.flight", "6", "max.in.flight=6")]
    public void Idempotence_requested_in_another_mode_brings_its_conditions(string property, string value, string named)
    {
        var request = Request(ModeConstraints.ForProducer("async")) with { Properties = ["enable.idempotence=true", $"{property}={value}"] };

        var error = Assert.Throws<UsageException>(() => ConfigLoader.Load(request));

        Assert.Contains($"{named} (from flag -X", error.Message);
        Assert.Contains("contradicts enable.idempotence=true", error.Message);
    }

    /// <summary>The control: without enable.idempotence=true the same values are the async mode's to use.</summary>
    [Theory]
    [InlineData("acks", "1")]
    [InlineData("retries", "0")]
    [InlineData("max.in.flight", "6")]
    public void Without_idempotence_the_same_values_load(string property, string value)
    {
        var config = ConfigLoader.Load(From("-X", property, value, Request(ModeConstraints.ForProducer("async"))));

        Assert.Equal(value, config.Client(ClientKind.Producer)[PropertyAliases.Resolve(property)].Value);
    }

    /// <summary>A combination librdkafka refuses only when the client starts is a configuration error (exit 2) in its words.</summary>
    [Fact]
    public void A_client_that_refuses_its_configuration_is_a_usage_error()
    {
        var refused = new Confluent.Kafka.ProducerConfig { BootstrapServers = "127.0.0.1:1", EnableGaplessGuarantee = true };

        var error = Assert.Throws<UsageException>(() => ClientRefusal.Build(new Confluent.Kafka.ProducerBuilder<string, string>(refused).Build));

        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("enable.gapless.guarantee", error.Message);
        // The control: the same client without that property starts.
        using var producer = ClientRefusal.Build(new Confluent.Kafka.ProducerBuilder<string, string>(new Confluent.Kafka.ProducerConfig { BootstrapServers = "127.0.0.1:1" }).Build);
    }

    private ConfigRequest From(string source, string property, string value, ConfigRequest request) => source switch
    {
        "-X" => request with { Properties = [$"{property}={value}"] },
        "--acks" => request with { Flags = [new FlagSetting(ConfigSections.Producer, property, value, "--acks")] },
        "properties" => request with { ConfigFiles = [_dir.Write("client.properties", $"{property}={value}\n")] },
        _ => request with { ConfigFiles = [_dir.Write("demo.json", $$"""{ "Kafka": { "Producer": { "{{property}}": "{{value}}" } } }""")] },
    };
}
