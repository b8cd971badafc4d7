using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;

namespace KafkaDemos.Producers;

/// <summary>
/// The run's one delivery callback (the course's delivery_callback, named by every produce()) and
/// how it finds the message a report belongs to without an object per message.
/// Why: a callback per message (a closure over the message and its send time, and its delegate)
/// was most of what made the async modes slower than a bare Confluent.Kafka loop. Instead each
/// message's send time waits in a ring indexed by its number, and the report gives the number back
/// in its key: the key is the number (the course's key=str(i)), and with "key" among
/// dotnet.producer.delivery.report.fields Confluent.Kafka hands back the same string it was given,
/// marshalling nothing. The ring is four times as long as the local queue can hold messages
/// (queue.buffering.max.messages): measured, librdkafka takes new messages while the reports of up
/// to a few thousand past that bound are still to be served, and with a ring of one queue's length
/// 1 to 4 % of the slots were reused early, so the slowest deliveries (the longest in flight) went
/// untimed and the percentiles read low. A report whose slot was reused anyway is counted, not
/// timed. Keys that are not the number (--key, --stdin) fall back to a callback per message.
/// </summary>
public sealed partial class ProducerReport
{
    /// <summary>librdkafka's default queue.buffering.max.messages.</summary>
    private const int DefaultQueueMessages = 100_000;

    /// <summary>Ring slots per message the local queue holds (see above).</summary>
    internal const long RingPerQueue = 4;

    private InFlight[]? _inFlight;

    /// <summary>
    /// One message awaiting its report. The message itself is kept only when a per-message event
    /// will show it: kept otherwise, a queue's worth of messages would outlive several collections
    /// and reach the oldest generation, whose collections cost far more.
    /// </summary>
    private struct InFlight
    {
        public long Number;
        public long Started;
        public int ValueLength;
        public OutgoingMessage? Message;
    }

    /// <summary>
    /// Delivery reports carry only what the callback reads: the status, and the key, which gives
    /// back the message's number. Confluent.Kafka passes the key given to Produce back by reference,
    /// so it costs nothing; headers, timestamp or value would be copied or kept for every message.
    /// -X dotnet.producer.delivery.report.fields=... still chooses otherwise.
    /// </summary>
    public static ProducerConfig WithDeliveryKeyAndStatus(ProducerConfig config) => new(config.ToDictionary())
    {
        DeliveryReportFields = config.DeliveryReportFields ?? "key,status",
    };

    /// <summary>The delivery_callback for every produce() of this run, built once before the loop.</summary>
    public Action<DeliveryReport<TKey, TValue>> DeliveryCallback<TKey, TValue>(ProducerConfig config)
    {
        string fields = (config.DeliveryReportFields ?? "all").Replace(" ", "", StringComparison.Ordinal);
        bool reportsKey = fields.Split(',').Any(f => f is "key" or "all");
        if (reportsKey && _options.Input is null && _options.Key.Kind == KeyKind.Sequential && typeof(TKey) == typeof(string))
        {
            long length = Math.Min(_options.Count, RingPerQueue * (config.QueueBufferingMaxMessages ?? DefaultQueueMessages) + 1L);
            _inFlight = new InFlight[Math.Max(1, length)];
        }
        return Delivered;
    }

    /// <summary>Notes the message's send time; returns the callback to name in its Produce call.</summary>
    private Action<DeliveryReport<TKey, TValue>> Sending<TKey, TValue>(OutgoingMessage message, Action<DeliveryReport<TKey, TValue>> callback)
    {
        long started = Stopwatch.GetTimestamp();
        if (_inFlight is null)
            return report => Report(report.Topic, report.Partition, report.Offset, report.Error, report.Status, message, started);
        ref var slot = ref _inFlight[message.Number % _inFlight.Length];
        slot.Number = message.Number;
        slot.Started = started;
        slot.ValueLength = message.Value?.Length ?? 0;
        slot.Message = _reporter.WantsPerMessage ? message : null;
        return callback;
    }

    /// <summary>The shared callback: runs once per message on the client's thread, when the broker answers or message.timeout.ms expires.</summary>
    private void Delivered<TKey, TValue>(DeliveryReport<TKey, TValue> report)
    {
        string? key = report.Message is { } m ? m.Key as string : null;
        bool matched = TryTakeInFlight(key, out var sent);
        if (report.Error.IsError)
        {
            // Only a failure builds a message from the report when the ring did not keep it.
            var message = sent.Message ?? new OutgoingMessage(matched ? sent.Number : -1, key, "", null);
            Failed(message, report.Partition == Partition.Any ? null : report.Partition.Value, report.Error, report.Status);
            return;
        }
        // No match can only be a report whose key was changed on the way: counted (started 0), not timed.
        Delivered(report.Topic, report.Partition, report.Offset, report.Status, sent.Message, sent.ValueLength, matched ? sent.Started : 0);
    }

    private bool TryTakeInFlight(string? key, out InFlight sent)
    {
        sent = default;
        if (_inFlight is null || !long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return false;
        ref var slot = ref _inFlight[n % _inFlight.Length];
        if (slot.Number != n || slot.Started == 0) return false;
        sent = slot;
        // Let the message go: the ring would otherwise keep a queue's worth of them alive after the run.
        slot = default;
        return true;
    }
}
