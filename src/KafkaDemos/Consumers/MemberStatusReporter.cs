using Confluent.Kafka;
using KafkaDemos.Admin;
using KafkaDemos.Core;
using KafkaDemos.Native;

namespace KafkaDemos.Consumers;

/// <summary>
/// Publishes this member's assignment on the status topic (see <see cref="MemberStatusReport"/>):
/// once when it starts, from each of the assigned, revoked and lost handlers (called on the
/// consumer's thread, so the report says what the member was just told), and every second after
/// that with its positions. A clean stop reports "left"; a crash on purpose reports nothing, as a
/// killed process would. Reports that fail are counted and said; they never hold the consumer up.
/// `demo consume` starts one only where <see cref="StatusReportChoice"/> says so.
/// </summary>
public sealed class MemberStatusReporter : IDisposable
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(2);

    private readonly ConsumeOptions _options;
    private readonly Reporter _reporter;
    private readonly IProducer<string, byte[]> _producer;
    private readonly TopicPartition _target;
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    private readonly string _group;
    private readonly string _clientId;
    private readonly string _protocol;
    private readonly string? _assignor;
    private readonly Lock _lock = new();
    private readonly HashSet<TopicPartition> _owned = [];
    private readonly Timer _heartbeat;
    private readonly Func<TopicPartition, Offset> _position;
    private readonly Func<string?> _memberId;
    private readonly Func<int?> _generation;
    private bool _told;
    private bool _closed;
    private string _lastMemberId = "";
    private int? _lastGeneration;
    private long _sent;
    private long _failed;
    private bool _disposed;

    private MemberStatusReporter(Func<TopicPartition, Offset> position, Func<string?> memberId, Func<int?> generation,
        ConsumerConfig config, ConsumeOptions options, Reporter reporter, string topic)
    {
        // librdkafka answers these from any thread; the heartbeat asks them while the consumer polls.
        _position = position;
        _memberId = memberId;
        _generation = generation;
        _options = options;
        _reporter = reporter;
        _target = new TopicPartition(topic, 0);
        _group = config.GroupId ?? "";
        _clientId = config.ClientId ?? "rdkafka";
        _protocol = GroupProtocolSettings.Of(config);
        _assignor = _protocol == GroupProtocolSettings.Consumer
            ? config.Get("group.remote.assignor") ?? GroupProtocolSettings.DefaultRemoteAssignor
            : config.Get("partition.assignment.strategy") ?? "range,roundrobin";
        // The status producer's own log lines (the consumer-only properties it ignores, reconnects) would
        // only repeat the consumer's; what matters, a report that failed, comes back as a delivery report.
        _producer = new ProducerBuilder<string, byte[]>(ProducerSettings(config))
            .SetLogHandler((_, _) => { })
            .SetErrorHandler((_, _) => { })
            .Build();
        Send("joining");
        _heartbeat = new Timer(_ => Send(null), null, MemberStatusReport.HeartbeatInterval, MemberStatusReport.HeartbeatInterval);
    }

    /// <summary>
    /// A reporter for <paramref name="consumer"/> when <see cref="ConsumeOptions.StatusTopic"/> names a topic,
    /// else null (reporting off). Dispose it before the consumer. <paramref name="reporter"/> is the run's own:
    /// the reports' consumed count is its tally, so only one run counts there (`demo consume` runs one member per process).
    /// </summary>
    public static MemberStatusReporter? Start<TKey, TValue>(IConsumer<TKey, TValue> consumer, ConsumerConfig config, ConsumeOptions options, Reporter reporter) =>
        options.StatusTopic is { Length: > 0 } topic
            ? new MemberStatusReporter(consumer.Position, () => consumer.MemberId, () => GroupGeneration.Of(consumer), config, options, reporter, topic)
            : null;

    public void Assigned(IEnumerable<TopicPartition> partitions) => Change("assigned", partitions, add: true);

    public void Revoked(IEnumerable<TopicPartition> partitions) => Change("revoked", partitions, add: false);

    public void Lost(IEnumerable<TopicPartition> partitions) => Change("lost", partitions, add: false);

    private void Change(string change, IEnumerable<TopicPartition> partitions, bool add)
    {
        lock (_lock)
        {
            _told = true;
            foreach (var p in partitions)
            {
                if (add)
                {
                    _owned.Add(p);
                }
                else
                {
                    _owned.Remove(p);
                }
            }
        }
        Send(change);
    }

    /// <summary>
    /// Sends the member's state; a null change is the heartbeat ("joining" until the group has told it
    /// anything). All under the lock, so nothing is sent once <see cref="Dispose"/> has begun to flush.
    /// </summary>
    private void Send(string? change)
    {
        lock (_lock)
        {
            if (_disposed) return;
            change ??= _told ? "heartbeat" : "joining";
            AskConsumer(() =>
            {
                _lastMemberId = _memberId() ?? _lastMemberId;
                _lastGeneration = _generation() ?? _lastGeneration;
            });
            var report = new MemberStatusReport
            {
                Group = _group,
                Instance = _instance,
                MemberId = _lastMemberId,
                ClientId = _clientId,
                Name = _options.Member,
                Pid = Environment.ProcessId,
                Host = Environment.MachineName,
                Protocol = _protocol,
                Assignor = _assignor,
                Generation = _lastGeneration,
                Change = change,
                Topics = SubscribedTopics(),
                Partitions = Positions(),
                // The run's own count (its tally counts each record it consumes, as its summary does): every record
                // counts, those read before the first report after an assignment and after the last one too.
                Consumed = _reporter.Tally.Consumed,
                Time = DateTime.UtcNow,
            };
            try
            {
                // Produce() only queues the record: it never waits for the broker.
                _producer.Produce(_target, new Message<string, byte[]> { Key = _instance, Value = report.ToJson() }, OnDelivery);
                _sent++;
            }
            catch (ProduceException<string, byte[]> e)
            {
                Failed(e.Error.Reason);
            }
        }
    }

    /// <summary>
    /// The topics the member subscribes to, by name: a pattern (^...) is reported as the topics of the
    /// partitions it owns, since `groups watch` reads each reported topic's offsets by name.
    /// </summary>
    private List<string> SubscribedTopics()
    {
        var named = _options.Topics.Where(t => !TopicPattern.Is(t));
        if (!_options.Topics.Any(TopicPattern.Is)) return [.. named];
        return [.. named.Union(_owned.Select(p => p.Topic)).Distinct().Order(StringComparer.Ordinal)];
    }

    /// <summary>Each owned partition with its position (the next offset the member will read).</summary>
    private List<ReportedPartition> Positions()
    {
        var result = new List<ReportedPartition>();
        foreach (var p in _owned.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition.Value))
        {
            long? position = null;
            AskConsumer(() => position = _position(p) is { Value: >= 0 } o ? o.Value : null);
            result.Add(new ReportedPartition(p.Topic, p.Partition.Value, position));
        }
        return result;
    }

    /// <summary>
    /// Asks the consumer, unless it has closed: after Close() (a clean stop, before this reporter is
    /// disposed) its handle is gone, and the last answers stand.
    /// </summary>
    private void AskConsumer(Action ask)
    {
        if (_closed) return;
        try
        {
            ask();
        }
        catch (ObjectDisposedException)
        {
            _closed = true;
        }
        catch (KafkaException)
        {
            // No answer this time (the consumer is leaving): the last one stands.
        }
    }

    private void OnDelivery(DeliveryReport<string, byte[]> report)
    {
        if (report.Error.IsError) Failed(report.Error.Reason);
    }

    private void Failed(string reason)
    {
        if (Interlocked.Increment(ref _failed) == 1)
            _reporter.Emit(new WarningEvent(
                $"{Who}status report to {_target.Topic} failed ({reason}); `demo groups watch` on a broker without " +
                "DescribeGroups cannot see this member. --no-status-report turns the reports off."));
    }

    private string Who => _options.Member is null ? "" : $"[{_options.Member}] ";

    /// <summary>Says "left" after a clean stop (nothing after a crash on purpose), then flushes with a bound.</summary>
    public void Dispose()
    {
        _heartbeat.Dispose();
        if (!_options.Crash.IsCancellationRequested)
        {
            lock (_lock) _owned.Clear();
            Send("left");
        }
        lock (_lock) _disposed = true;
        int pending = _producer.Flush(FlushTimeout);
        long failed = Interlocked.Read(ref _failed) + pending;
        if (failed > 0)
            _reporter.Emit(new WarningEvent($"{Who}{failed} of {_sent} status report(s) to {_target.Topic} were not delivered"));
        _producer.Dispose();
    }

    private static ProducerConfig ProducerSettings(ConsumerConfig config)
    {
        // The consumer's connection and security settings; consumer-only and .NET-only keys stay behind.
        var settings = new ProducerConfig(config
            .Where(p => !p.Key.StartsWith("dotnet.", StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value))
        {
            LingerMs = 0,
            Acks = Acks.Leader,
            EnableIdempotence = false,
            MessageTimeoutMs = 5000,
        };
        return settings;
    }
}
