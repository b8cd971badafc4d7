using KafkaDemos.Cli;
using KafkaDemos.Producers;

namespace KafkaDemos.Tests;

public sealed class ProduceOptionsTests
{
    [Theory]
    [InlineData("none", 7, null)]
    [InlineData("sequential", 7, "7")]
    [InlineData("fixed:user-1", 7, "user-1")]
    [InlineData("user-{n}", 7, "user-7")]
    [InlineData("k{n%4}", 7, "k3")]
    public void Key_specs_give_the_course_keys(string spec, long n, string? expected) =>
        Assert.Equal(expected, KeySpec.Parse(spec).For(n));

    [Theory]
    [InlineData("bogus")]
    [InlineData("k{n%0}")]
    public void Bad_key_specs_are_usage_errors_naming_the_value(string spec) =>
        Assert.Contains($"'{spec}'", Assert.Throws<UsageException>(() => KeySpec.Parse(spec)).Message);

    [Fact]
    public void Generated_messages_follow_the_course_and_pad_to_size()
    {
        var options = new ProduceOptions { Topic = "t", Size = 10 };

        var message = MessageSource.Generate(options, 3);

        Assert.Equal("3", message.Key);
        Assert.Equal("msg_3.....", message.Value);
    }

    [Fact]
    public void Json_mode_refuses_a_value_that_is_not_json_before_sending()
    {
        var options = new ProduceOptions { Topic = "t", Value = "{n} apples" };

        Assert.Contains("'{n} apples'", Assert.Throws<UsageException>(() => new JsonProducer().Configure(new(), options)).Message);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    public void Idempotent_mode_refuses_acks_other_than_all(string acks)
    {
        var config = new Confluent.Kafka.ProducerConfig { Acks = acks == "0" ? Confluent.Kafka.Acks.None : Confluent.Kafka.Acks.Leader };

        Assert.Contains($"acks={acks}", Assert.Throws<UsageException>(() => new IdempotentProducer().Configure(config, new ProduceOptions { Topic = "t" })).Message);
    }

    [Fact]
    public void Idempotent_mode_sets_what_idempotence_implies()
    {
        var config = new IdempotentProducer().Configure(new Confluent.Kafka.ProducerConfig(), new ProduceOptions { Topic = "t" });

        Assert.True(config.EnableIdempotence);
        Assert.Equal(Confluent.Kafka.Acks.All, config.Acks);
        Assert.Equal(IdempotentProducer.MaxInFlight, config.MaxInFlight);
    }
}
