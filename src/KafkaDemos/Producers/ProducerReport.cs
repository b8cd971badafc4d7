using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// The shared plumbing of one producer run: counters, the events every mode emits, waiting
/// for room when the local queue is full, fatal errors, and the bounded flush and summary at
/// the end. Counters are updated from librdkafka's delivery threads, hence Interlocked.
/// Invariant at the end: sent = delivered + failed + not delivered (fire-and-forget: delivered unknown).
/// The end of a run (the flush's reporting and the summary) is in ProducerReport.Flush.cs.
/// </summary>
public sealed partial class ProducerReport : IDisposable
{
    /// <summary>
    /// How long to wait for room in a full local queue before trying again: about one linger.ms
    /// batch. Deliveries free room continuously, so a longer wait mostly leaves the client idle.
    /// </summary>
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(5);

    private readonly string _mode;
    private readonly ProduceOptions _options;
    private readonly Reporter _reporter;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationToken _interrupt;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _sent;
    private long _delivered;
    private long _failed;
    private long _queueFullWaits;
    private string? _fatal;
    private UsageException? _usageError;
    private long _skippedLines;
    private long _notDelivered;
    private bool _interrupted;
    private readonly bool _tracksDeliveries;

    /// <param name="tracksDeliveries">False for fire-and-forget, which asks for no delivery reports: only what is still queued after the flush is known to be missing.</param>
    public ProducerReport(string mode, ProduceOptions options, Reporter reporter, CancellationToken interrupt, bool tracksDeliveries = true)
    {
        _tracksDeliveries = tracksDeliveries;
        _mode = mode;
        _options = options;
        _reporter = reporter;
        _interrupt = interrupt;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        Destination = options.Destination;
        options.Check(mode);
    }

    /// <summary>The topic and partition (or any) every message goes to, built once for the whole run.</summary>
    public TopicPartition Destination { get; }

    /// <summary>Cancelled by Ctrl+C, a fatal client error, or a bad input line: the loop stops producing.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>
    /// Creates the producer with client logs and errors routed into the event stream; a fatal error stops the run.
    /// </summary>
    public IProducer<TKey, TValue> Build<TKey, TValue>(ProducerBuilder<TKey, TValue> builder) => ClientRefusal.Build(builder
        .SetLogHandler(ClientLog.Handler<IProducer<TKey, TValue>>(_reporter))
        .SetErrorHandler((client, error) =>
        {
            ClientLog.ErrorHandler<IProducer<TKey, TValue>>(_reporter)(client, error);
            if (error.IsFatal) Fatal($"{error.Reason} ({error.Code})");
        })
        .Build);

    /// <summary>The messages to send, ending early when the run stops.</summary>
    public IAsyncEnumerable<OutgoingMessage> Messages(bool valuesAreJson = false) => MessageSource.Read(_options, this, valuesAreJson, Stopping);

    public void Start() => _reporter.Emit(new InfoEvent($"Start sending messages ... ({_mode} to {_options.Topic})"));

    /// <summary>
    /// producer.Produce(destination, kafkaMessage, deliveryCallback): hands one message to the client
    /// without waiting (fire-and-forget passes no callback). A full local queue is not an error: wait
    /// a little for deliveries to free room, then try the same message again, so nothing is dropped.
    /// Any other local error counts as a failed delivery. The wait is the course's producer.poll()
    /// after a BufferError: it serves delivery reports on this thread and returns as soon as one
    /// frees room (at most <see cref="QueueFullBackoff"/>), where a plain sleep of the same length left
    /// the client idle with room already free; a full queue recurs every few milliseconds at full
    /// speed. An awaited delay there (a timer, then a thread-pool hop for the loop) cost more CPU
    /// than the client's own work per message. The producer and message are parameters, not a
    /// lambda's captures, so a message costs no closure.
    /// </summary>
    /// <returns>True when the client took the message.</returns>
    public bool Send<TKey, TValue>(IProducer<TKey, TValue> producer, OutgoingMessage message, Message<TKey, TValue> kafkaMessage,
        Action<DeliveryReport<TKey, TValue>>? deliveryCallback = null)
    {
        Interlocked.Increment(ref _sent);
        var callback = deliveryCallback is null ? null : Sending(message, deliveryCallback);
        if (TryProduce(producer, message, kafkaMessage, callback) is bool taken) return taken;
        while (!Stopping.IsCancellationRequested)
        {
            producer.Poll(QueueFullBackoff);
            if (TryProduce(producer, message, kafkaMessage, callback, retry: true) is bool later) return later;
        }
        // Stopped while waiting for room: this message never reached the client.
        Failed(message, null, new Error(ErrorCode.Local_QueueFull, "stopped while the local queue was full"), PersistenceStatus.NotPersisted);
        return false;
    }

    /// <summary>
    /// True when the client took the message, false when it refused it, null when its queue is full.
    /// The first refusal of a message says so, the course's BufferError line. The count of messages
    /// awaiting delivery comes from the run's counters: asking the client (Flush(0)) would make it
    /// send every lingering batch at once, and at every full queue that defeats linger.ms batching.
    /// </summary>
    private bool? TryProduce<TKey, TValue>(IProducer<TKey, TValue> producer, OutgoingMessage message, Message<TKey, TValue> kafkaMessage,
        Action<DeliveryReport<TKey, TValue>>? callback, bool retry = false)
    {
        try
        {
            producer.Produce(Destination, kafkaMessage, callback);
            return true;
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_QueueFull)
        {
            if (retry) return null;
            Interlocked.Increment(ref _queueFullWaits);
            _reporter.Emit(new QueueFullEvent(_tracksDeliveries ? Interlocked.Read(ref _sent) - 1 - Interlocked.Read(ref _delivered) - Interlocked.Read(ref _failed) : null));
            return null;
        }
        catch (KafkaException e)
        {
            Failed(message, null, e.Error, PersistenceStatus.NotPersisted);
            return false;
        }
    }

    /// <summary>Counts a message sent by awaiting its result (sync mode), which cannot meet a full queue.</summary>
    public void CountSent() => Interlocked.Increment(ref _sent);

    /// <summary>The course's print after produce(): what was handed to the client, destination unknown.</summary>
    public void Announce(OutgoingMessage message)
    {
        _reporter.Tally.CountSent(message.Value?.Length ?? 0);
        // No event per message when nothing prints or observes it (a benchmark): the tally counts it.
        if (_reporter.WantsPerMessage)
            _reporter.Emit(new SentEvent(_options.Topic, message.Key, EventValue(message.Value), ShortenedFrom(message.Value)) { Number = message.Number, Headers = ConsumedEvent.From(message.Headers) });
    }

    /// <summary>An empty input line: not sent, counted in the summary.</summary>
    public void SkipLine() => Interlocked.Increment(ref _skippedLines);

    /// <summary>An awaited ProduceAsync returned: the broker took the message.</summary>
    public void Report<TKey, TValue>(DeliveryResult<TKey, TValue> result, OutgoingMessage message, long startedTimestamp) =>
        Report(result.Topic, result.Partition, result.Offset, new Error(ErrorCode.NoError), result.Status, message, startedTimestamp);

    /// <summary>A delivery failed where only the destination may be known (an exception from an awaited ProduceAsync).</summary>
    public void Report(TopicPartitionOffset where, Error error, PersistenceStatus status, OutgoingMessage message, long startedTimestamp) =>
        Report(where.Topic, where.Partition, where.Offset, error, status, message, startedTimestamp);

    /// <summary>
    /// Takes the report's parts rather than its TopicPartitionOffset, which Confluent.Kafka builds
    /// anew on every read: this runs once per message on the client's delivery thread.
    /// </summary>
    private void Report(string topic, Partition partition, Offset offset, Error error, PersistenceStatus status, OutgoingMessage message, long startedTimestamp)
    {
        if (error.IsError) Failed(message, partition == Partition.Any ? null : partition.Value, error, status);
        else Delivered(topic, partition, offset, status, message, message.Value?.Length ?? 0, startedTimestamp);
    }

    /// <param name="message">Null when nobody wants the per-message event: only its value's length is counted.</param>
    /// <param name="startedTimestamp">0 for a report the run could not match to its send (see ProducerReport.Deliveries.cs): counted, not timed.</param>
    private void Delivered(string topic, Partition partition, Offset offset, PersistenceStatus status, OutgoingMessage? message, int valueLength, long startedTimestamp)
    {
        Interlocked.Increment(ref _delivered);
        double latencyMs = startedTimestamp == 0 ? 0 : Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds;
        _reporter.Tally.CountDelivered(valueLength);
        if (startedTimestamp != 0) _reporter.Latencies?.Record(latencyMs);
        if (message is not null && _reporter.WantsPerMessage) _reporter.Emit(new DeliveredEvent(topic, partition.Value, offset.Value >= 0 ? offset.Value : null,
            message.Key, EventValue(message.Value), latencyMs, status)
        {
            ValueLength = ShortenedFrom(message.Value),
            Number = message.Number,
            Headers = ConsumedEvent.From(message.Headers),
        });
    }

    public void Failed(OutgoingMessage message, int? partition, Error error, PersistenceStatus status)
    {
        Interlocked.Increment(ref _failed);
        _reporter.Tally.CountFailed();
        _reporter.Emit(new DeliveryFailedEvent(_options.Topic, partition, message.Key, EventValue(message.Value), error.Code.ToString(), error.Reason, status)
        {
            ValueLength = ShortenedFrom(message.Value),
            Number = message.Number,
        });
    }

    /// <summary>A fatal client error (e.g. the idempotent producer lost its guarantees): stop producing.</summary>
    public void Fatal(string reason)
    {
        Interlocked.CompareExchange(ref _fatal, reason, null);
        _stop.Cancel();
    }

    /// <summary>A bad input line: stop producing, finish what was sent, then report it as a usage error.</summary>
    public void StopWith(UsageException error)
    {
        _usageError ??= error;
        _stop.Cancel();
    }

    /// <summary>Events carry values up to this many characters, so large --size values do not swamp the output.</summary>
    private const int MaxEventValueChars = 1000;

    private static string? EventValue(string? value) => value is null || value.Length <= MaxEventValueChars ? value : value[..MaxEventValueChars];

    /// <summary>The real length of a value the event shortened, null when it carries all of it (or it is null).</summary>
    private static int? ShortenedFrom(string? value) => value is null || value.Length <= MaxEventValueChars ? null : value.Length;

    public void Dispose() => _stop.Dispose();
}
