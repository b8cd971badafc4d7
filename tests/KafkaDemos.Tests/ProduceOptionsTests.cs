using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;
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

    [Theory]
    [InlineData("msg_{n}", 42, null, "msg_42")]
    [InlineData("k{n%4}", 7, null, "k3")]
    [InlineData("{n}-{n%10}-{n}", 123, null, "123-3-123")]
    [InlineData("{\"num\": {n}}", 5, null, "{\"num\": 5}")]
    [InlineData("a{x}b{n%}c{n%2", 9, null, "a{x}b{n%}c{n%2")]
    [InlineData("plain", 1, null, "plain")]
    [InlineData("msg_{n}", 3, 8, "msg_3...")]
    [InlineData("msg_{n}", 123456, 6, "msg_12")]
    [InlineData("abc", 0, 5, "abc..")]
    public void Templates_render_the_number_and_pad_or_cut_to_size(string template, long n, int? size, string expected) =>
        Assert.Equal(expected, Template.Render(template, n, size));

    [Fact]
    public void Json_mode_refuses_a_value_that_is_not_json_before_sending()
    {
        var options = new ProduceOptions { Topic = "t", Value = "{n} apples" };

        Assert.Contains("'{n} apples'", Assert.Throws<UsageException>(() => options.Check(JsonProducer.Name)).Message);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    public void Idempotent_mode_refuses_acks_other_than_all(string acks)
    {
        var config = new Confluent.Kafka.ProducerConfig { Acks = acks == "0" ? Confluent.Kafka.Acks.None : Confluent.Kafka.Acks.Leader };

        Assert.Contains($"acks={acks}", Assert.Throws<UsageException>(() => IdempotentProducer.Configure(config)).Message);
    }

    [Fact]
    public void Idempotent_mode_sets_what_idempotence_implies()
    {
        var config = IdempotentProducer.Configure(new Confluent.Kafka.ProducerConfig());

        Assert.True(config.EnableIdempotence);
        Assert.Equal(Confluent.Kafka.Acks.All, config.Acks);
        Assert.Equal(ModeConstraints.IdempotenceMaxInFlight, config.MaxInFlight);
    }

    /// <summary>A configuration built in code may use librdkafka's other spelling: it is kept, or refused, not replaced by 5.</summary>
    [Theory]
    [InlineData("3", "3")]
    [InlineData("10", null)]
    public void Idempotent_mode_reads_max_in_flight_in_either_spelling(string given, string? kept)
    {
        var config = new Confluent.Kafka.ProducerConfig(new Dictionary<string, string> { ["max.in.flight.requests.per.connection"] = given });

        if (kept is null)
        {
            Assert.Contains("max.in.flight=10", Assert.Throws<UsageException>(() => IdempotentProducer.Configure(config)).Message);
            return;
        }
        var configured = IdempotentProducer.Configure(config);
        Assert.Equal(int.Parse(kept), configured.MaxInFlight);
        Assert.DoesNotContain(configured, p => p.Key == "max.in.flight.requests.per.connection");
    }
}
