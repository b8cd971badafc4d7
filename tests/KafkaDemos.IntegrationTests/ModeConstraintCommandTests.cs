using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>The executable refuses a property that contradicts its mode or strategy before it contacts a broker.</summary>
public sealed class ModeConstraintCommandTests
{
    [Theory]
    [InlineData("enable.auto.commit=true (from flag -X) contradicts --commit sync", null, "consume", "--commit", "sync", "-X", "enable.auto.commit=true")]
    [InlineData("enable.auto.commit=true (from env KAFKA_CONSUMER_ENABLE_AUTO_COMMIT) contradicts --commit sync", "true", "consume", "--commit", "sync")]
    [InlineData("acks=2 (from flag -X) contradicts --mode async", null, "produce", "-X", "acks=2")]
    [InlineData("max.in.flight=10 (from flag -X, spelled max.in.flight.requests.per.connection) contradicts --mode idempotent", null, "produce", "--mode", "idempotent", "-X", "max.in.flight.requests.per.connection=10")]
    [InlineData("acks=1 (from flag -X, spelled request.required.acks) contradicts --mode idempotent", null, "produce", "--mode", "idempotent", "-X", "request.required.acks=1")]
    [InlineData("acks=1 (from flag -X) contradicts enable.idempotence=true", null, "produce", "-X", "enable.idempotence=true", "-X", "acks=1")]
    [InlineData("message.send.max.retries=0 (from flag -X, spelled retries) contradicts enable.idempotence=true", null, "produce", "-X", "retries=0", "-X", "enable.idempotence=true")]
    [InlineData("the Kafka client refused its configuration: `enable.gapless.guarantee`", null, "produce", "-X", "enable.gapless.guarantee=true")]
    public async Task A_contradicting_property_exits_2_naming_it_and_its_source(string expected, string? environmentValue, params string[] args)
    {
        var environment = environmentValue is null ? null : new Dictionary<string, string?> { ["KAFKA_CONSUMER_ENABLE_AUTO_COMMIT"] = environmentValue };

        var result = await DemoProcess.RunAsync([.. args, "-b", "127.0.0.1:1"], TimeSpan.FromSeconds(60), environment);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.Stderr);
        Assert.DoesNotContain("unexpected", result.Stderr);
    }
}
