using KafkaDemos.Native;

namespace KafkaDemos.Configuration;

/// <summary>
/// Checks client properties with librdkafka itself, so an unknown name or a value of the
/// wrong type is reported with the property and its source before any client starts.
/// </summary>
public static class ClientPropertyValidator
{
    /// <summary>Properties Confluent.Kafka handles in .NET before librdkafka sees the rest.</summary>
    private static readonly HashSet<string> DotnetProperties = new(StringComparer.Ordinal)
    {
        "dotnet.producer.enable.background.poll", "dotnet.producer.enable.deliveries",
        "dotnet.producer.enable.delivery.reports", "dotnet.producer.delivery.report.fields",
        "dotnet.consumer.enable.partition.eof", "dotnet.consumer.consume.result.fields",
        "dotnet.cancellation.delay.max.ms",
    };

    public enum Verdict
    {
        Ok,
        Unknown,
        Invalid,
    }

    public static (Verdict Verdict, string Message) Check(string name, string value)
    {
        if (DotnetProperties.Contains(name)) return (Verdict.Ok, "");
        nint conf = Librdkafka.ConfNew();
        try
        {
            var (result, error) = Librdkafka.ConfSet(conf, name, value);
            return result switch
            {
                Librdkafka.ConfOk => (Verdict.Ok, ""),
                Librdkafka.ConfUnknown => (Verdict.Unknown, error),
                _ => (Verdict.Invalid, error),
            };
        }
        finally
        {
            Librdkafka.ConfDestroy(conf);
        }
    }

    public static bool IsKnown(string name) => Check(name, "").Verdict != Verdict.Unknown;
}
