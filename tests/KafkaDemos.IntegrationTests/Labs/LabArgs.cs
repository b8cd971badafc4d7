using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Labs;

/// <summary>
/// Arguments for a lab run against the suite's broker. A lab creates its own topics; the embedded
/// broker of the suite runs in the test process and has no CreateTopics, so there the lab starts its
/// own embedded broker (--embedded). Elsewhere it uses the suite's broker, with short group timing.
/// </summary>
public static class LabArgs
{
    public static string[] For(KafkaFixture kafka, params string[] args) =>
        kafka.Kind == BrokerKind.Embedded ? [.. args, "--embedded"] : kafka.DemoArgs([.. args, .. ConsumerKit.FastRebalanceArgs(kafka)]);
}
