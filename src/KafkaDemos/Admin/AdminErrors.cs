using Confluent.Kafka;
using Confluent.Kafka.Admin;
using KafkaDemos.Core;

namespace KafkaDemos.Admin;

/// <summary>
/// How an admin call fails: the broker lacks its API (the embedded broker has no topic or group
/// admin API), refuses the request, or does not answer within the call's bound.
/// </summary>
public static class AdminErrors
{
    /// <summary>How long an admin request may take at the broker; the call as a whole gets 5 s more.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public static TimeSpan CallTimeout => RequestTimeout + TimeSpan.FromSeconds(5);

    /// <summary>The broker refused the request: what was asked (e.g. "delete topic 'orders'"), its reason and code.</summary>
    public static DemoException Refused(string what, Error error, Exception e) =>
        new($"Could not {what}: {error.Reason} ({error.Code})", ExitCodes.Failed, e);

    /// <summary>No answer within <see cref="CallTimeout"/>: what was being done (e.g. "Deleting topic 'orders'").</summary>
    public static DemoException NoAnswer(string doing, Exception e) =>
        new($"{doing} got no answer within {CallTimeout.TotalSeconds:0} s", ExitCodes.Failed, e);

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
