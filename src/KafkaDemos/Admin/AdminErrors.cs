using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace KafkaDemos.Admin;

/// <summary>How an admin call says the broker lacks its API (the embedded broker has no topic or group admin API).</summary>
public static class AdminErrors
{
    public static bool IsUnsupported(Exception e)
    {
        var code = e switch
        {
            CreateTopicsException c => c.Results.Single().Error.Code,
            DeleteTopicsException d => d.Results.Single().Error.Code,
            DeleteGroupsException g => g.Results.Single().Error.Code,
            KafkaException k => k.Error.Code,
            _ => ErrorCode.NoError,
        };
        return code is ErrorCode.Local_UnsupportedFeature or ErrorCode.UnsupportedVersion or ErrorCode.InvalidRequest;
    }
}
