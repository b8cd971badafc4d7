using Confluent.Kafka;
using KafkaDemos.Broker;
using KafkaDemos.Core;

namespace KafkaDemos.Labs.Delivery;

/// <summary>The faults the delivery lab injects through the embedded broker.</summary>
public enum FaultKind
{
    /// <summary>The leader refuses the next Produce request (NOT_ENOUGH_REPLICAS): nothing written, the producer is told.</summary>
    RejectedWrite,

    /// <summary>The partition's leader moves to another broker: requests to the old one are refused.</summary>
    LeaderChange,

    /// <summary>The leader closes the connection on the next Produce request: nothing written, requests in flight get no answer.</summary>
    DroppedConnection,

    /// <summary>The leader writes the next Produce request but answers after the client's timeout: written, answer lost.</summary>
    LostAnswer,
}

/// <summary>
/// A seeded fault schedule: after which delivery report each fault comes, and of which kind.
/// The same seed gives the same schedule, so every setting meets the same faults.
/// </summary>
public sealed record FaultSchedule(IReadOnlyList<(long After, FaultKind Kind)> Faults)
{
    public static FaultSchedule Create(int count, double rate, int seed)
    {
        var random = new Random(seed);
        var faults = new List<(long, FaultKind)>();
        var kinds = Enum.GetValues<FaultKind>();
        for (long n = 1; n < count; n++)
            if (random.NextDouble() < rate) faults.Add((n, kinds[random.Next(kinds.Length)]));
        return new FaultSchedule(faults);
    }

    public int Of(FaultKind kind) => Faults.Count(f => f.Kind == kind);
}

/// <summary>One fault as it is injected: after how many delivery reports, which, and where.</summary>
public sealed record FaultInjectedEvent(string Setting, long After, string Kind, int Broker, string What) : DemoEvent("fault_injected")
{
    public override string? ToText() => $"  ⚡ after {After} delivery reports: {What}";
}

/// <summary>
/// Injects a schedule's faults into one embedded broker as the producer's delivery reports come in
/// (the reports are the producer's progress). Thread-safe: delivery reports arrive on the client's thread.
/// </summary>
public sealed class FaultInjector(EmbeddedBroker broker, string topic, string setting, FaultSchedule schedule, Reporter reporter)
{
    /// <summary>Well past the client's socket.timeout.ms (1 s) plus its once-a-second timeout scan, with room for a busy machine.</summary>
    public static readonly TimeSpan LostAnswerDelay = TimeSpan.FromSeconds(5);

    private const short ProduceApiKey = 0;
    private readonly Lock _lock = new();
    private readonly List<(int Broker, FaultKind Kind)> _queued = [];
    private int _next;
    private long _reports;
    private int _leader = -1;
    private int _leaderChanges;

    public int Pushed { get; private set; }

    public void Start(int leader) => _leader = leader;

    /// <summary>Counts one delivery report and injects the faults that are due.</summary>
    public void OnReport()
    {
        lock (_lock)
        {
            _reports++;
            while (_next < schedule.Faults.Count && schedule.Faults[_next].After <= _reports)
                Inject(schedule.Faults[_next++].Kind);
        }
    }

    /// <summary>Request faults (all but leader changes) still queued on a broker, never met by a request.</summary>
    public int Unused() => broker.Cluster.BrokerIds.Sum(id => broker.Cluster.PendingBrokerRequestErrors(id, ProduceApiKey));

    /// <summary>
    /// How many faults of <paramref name="kind"/> a request met while their broker led the partition.
    /// Each broker applies its queued faults in order, so the ones still pending there are the last it
    /// was given; those still pending when the leader moved away are stranded: a request still sent to
    /// the old leader meets them and is refused (NOT_LEADER), nothing written.
    /// </summary>
    public int Met(FaultKind kind)
    {
        lock (_lock)
        {
            int met = 0;
            foreach (var byBroker in _queued.GroupBy(q => q.Broker))
            {
                var queued = byBroker.ToList();
                int pending = broker.Cluster.PendingBrokerRequestErrors(byBroker.Key, ProduceApiKey);
                met += queued.Take(queued.Count - pending).Count(q => q.Kind == kind);
            }
            return met + (kind == FaultKind.LeaderChange ? _leaderChanges : 0);
        }
    }

    /// <summary>Takes the last <paramref name="pending"/> faults queued on a broker out of the count of those that can meet a write.</summary>
    private void Strand(int brokerId, int pending)
    {
        var last = _queued.Select((q, i) => (q, i)).Where(x => x.q.Broker == brokerId).TakeLast(pending).Select(x => x.i).ToList();
        foreach (int i in last.OrderDescending()) _queued.RemoveAt(i);
    }

    private void Inject(FaultKind kind)
    {
        string what;
        int target = _leader;
        switch (kind)
        {
            case FaultKind.RejectedWrite:
                broker.Cluster.PushBrokerRequestDelay(target, ProduceApiKey, ErrorCode.NotEnoughReplicas, TimeSpan.Zero);
                what = $"broker {target} refuses the next write (NOT_ENOUGH_REPLICAS): nothing written";
                break;
            case FaultKind.LeaderChange:
                // Counted before the move: whatever is pending now can no longer meet a write there.
                Strand(_leader, broker.Cluster.PendingBrokerRequestErrors(_leader, ProduceApiKey));
                target = _leader % broker.Cluster.BrokerCount + 1;
                broker.Cluster.SetPartitionLeader(topic, 0, target);
                what = $"leader of {topic}-0 moves from broker {_leader} to broker {target}";
                _leader = target;
                _leaderChanges++;
                break;
            case FaultKind.DroppedConnection:
                broker.Cluster.PushBrokerRequestDelay(target, ProduceApiKey, ErrorCode.Local_Transport, TimeSpan.Zero);
                what = $"broker {target} drops the connection on the next write";
                break;
            default:
                broker.Cluster.PushBrokerRequestDelay(target, ProduceApiKey, ErrorCode.NoError, LostAnswerDelay);
                what = $"broker {target} writes the next request but answers after {LostAnswerDelay.TotalSeconds:0.#} s, past the producer's timeout";
                break;
        }
        if (kind != FaultKind.LeaderChange) _queued.Add((target, kind));
        Pushed++;
        reporter.Emit(new FaultInjectedEvent(setting, _reports, kind.ToString(), target, what));
    }
}
