using KafkaDemos.Core;

namespace KafkaDemos.Configuration;

/// <summary>
/// librdkafka checks some combinations of properties only when a client is created (rd_kafka_new),
/// and Confluent.Kafka reports its refusal as an InvalidOperationException. The loader's constraints
/// catch the combinations the course teaches; this turns any other into a configuration error
/// (exit 2) in librdkafka's own words, rather than an "unexpected" .NET exception.
/// </summary>
public static class ClientRefusal
{
    public static T Build<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException($"the Kafka client refused its configuration: {e.Message}", e);
        }
    }
}
