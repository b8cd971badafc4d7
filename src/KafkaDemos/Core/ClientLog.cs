using Confluent.Kafka;

namespace KafkaDemos.Core;

/// <summary>
/// Routes librdkafka's log lines into the event stream instead of raw stderr text. The
/// common configuration section is shared by every client, so librdkafka's notes that a
/// producer property is ignored by a consumer (and the reverse) are expected and dropped.
/// </summary>
public static class ClientLog
{
    public static Action<T, LogMessage> Handler<T>(Reporter sink) => (_, message) =>
    {
        if (message.Level > SyslogLevel.Warning) return;
        if (message.Facility == "CONFWARN" && message.Message.Contains("will be ignored by this", StringComparison.Ordinal)) return;
        sink.Emit(new WarningEvent($"librdkafka {message.Facility}: {message.Message}") { FromClient = true });
    };

    public static Action<T, Error> ErrorHandler<T>(Reporter sink) => (_, error) =>
        sink.Emit(new ErrorEvent(error.Reason, error.Code.ToString(), error.IsFatal) { FromClient = true });
}
