using System.Runtime.CompilerServices;
using Confluent.Kafka;

namespace KafkaDemos.Core;

/// <summary>
/// Routes librdkafka's log lines into the event stream instead of raw stderr text. The
/// common configuration section is shared by every client, so librdkafka's notes that a
/// producer property is ignored by a consumer (and the reverse) are expected and dropped.
/// librdkafka reports a broker failure twice, as a log line and through the error callback with
/// the same words: the error that repeats a line just logged is left out, so each is said once.
/// A consumer's offset reset, which librdkafka says only in a log line, becomes an <see cref="OffsetResetEvent"/>.
/// </summary>
public static class ClientLog
{
    private static readonly ConditionalWeakTable<Reporter, RecentLines> Logged = new();

    /// <param name="member">Names the consumer in its events when several run in one process.</param>
    public static Action<T, LogMessage> Handler<T>(Reporter reporter, string? member = null) => (_, message) =>
    {
        if (message.Level > SyslogLevel.Warning) return;
        if (message.Facility == "CONFWARN" && message.Message.Contains("will be ignored by this", StringComparison.Ordinal)) return;
        string text = WithoutThread(message.Message);
        Logged.GetOrCreateValue(reporter).Add(text);
        if (message.Facility == "OFFSET" && OffsetResetLog.TryParse(text, out var reset))
        {
            reporter.Emit(reset with { Member = member });
            return;
        }
        reporter.Emit(new WarningEvent($"librdkafka {message.Facility}: {message.Message}") { FromClient = true });
    };

    public static Action<T, Error> ErrorHandler<T>(Reporter reporter) => (_, error) =>
    {
        if (IsRepeat(reporter, error)) return;
        reporter.Emit(new ErrorEvent(error.Reason, error.Code.ToString(), error.IsFatal) { FromClient = true });
    };

    /// <summary>True when a non-fatal <paramref name="error"/> only repeats a log line this reporter just printed.</summary>
    public static bool IsRepeat(Reporter reporter, Error error) =>
        !error.IsFatal && Logged.TryGetValue(reporter, out var recent) && recent.Contains(error.Reason);

    /// <summary>"[thrd:main]: text" is "text": the error callback's reason has no thread prefix.</summary>
    private static string WithoutThread(string message) =>
        message.StartsWith("[thrd:", StringComparison.Ordinal) && message.IndexOf("]: ", StringComparison.Ordinal) is int end and > 0
            ? message[(end + 3)..]
            : message;

    /// <summary>The last few log lines of one reporter, for a few seconds: the error callback follows its log line at once.</summary>
    private sealed class RecentLines
    {
        private const int Kept = 32;
        private static readonly TimeSpan KeptFor = TimeSpan.FromSeconds(5);
        private readonly Queue<(string Text, DateTime At)> _lines = new();
        private readonly Lock _lock = new();

        public void Add(string text)
        {
            lock (_lock)
            {
                _lines.Enqueue((text, DateTime.UtcNow));
                while (_lines.Count > Kept) _lines.Dequeue();
            }
        }

        public bool Contains(string text)
        {
            var since = DateTime.UtcNow - KeptFor;
            lock (_lock) return _lines.Any(l => l.At >= since && l.Text == text);
        }
    }
}
