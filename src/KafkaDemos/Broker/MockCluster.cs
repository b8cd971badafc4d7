using System.Runtime.InteropServices;
using KafkaDemos.Native;

namespace KafkaDemos.Broker;

/// <summary>
/// librdkafka's in-memory mock cluster: a Kafka-protocol test double, not Apache Kafka.
/// It runs on its own thread inside this process and listens on random loopback ports.
/// </summary>
public sealed unsafe class MockCluster : IDisposable
{
    private const int RdKafkaProducer = 0;
    private nint _handle;
    private nint _cluster;

    public MockCluster(int brokerCount)
    {
        if (brokerCount < 1) throw new ArgumentOutOfRangeException(nameof(brokerCount), brokerCount, "at least one broker");
        nint conf = Librdkafka.ConfNew();
        // The hosting handle never talks to a broker; quiet it so it prints nothing of its own.
        Librdkafka.ConfSet(conf, "log_level", "0");
        const int size = 512;
        byte* errstr = stackalloc byte[size];
        _handle = Librdkafka.New(RdKafkaProducer, conf, errstr, size);
        if (_handle == 0)
        {
            Librdkafka.ConfDestroy(conf);
            throw new InvalidOperationException("librdkafka could not create the mock cluster's handle: " + Marshal.PtrToStringUTF8((nint)errstr));
        }
        _cluster = MockClusterNative.ClusterNew(_handle, brokerCount);
        if (_cluster == 0)
        {
            Librdkafka.Destroy(_handle);
            throw new InvalidOperationException("librdkafka could not start its mock cluster");
        }
        BrokerCount = brokerCount;
        // The mock names no controller by default; admin clients would wait for one until they
        // time out. With broker 1 as controller, unsupported admin requests fail fast instead.
        MockClusterNative.SetControllerId(_cluster, 1);
    }

    public int BrokerCount { get; }

    /// <summary>Broker ids are 1..N in the mock cluster.</summary>
    public IEnumerable<int> BrokerIds => Enumerable.Range(1, BrokerCount);

    /// <summary>The brokers' own listening addresses, in broker-id order ("127.0.0.1:port,...").</summary>
    public IReadOnlyList<string> InternalAddresses =>
        (Marshal.PtrToStringUTF8(MockClusterNative.ClusterBootstraps(Cluster)) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries);

    public void CreateTopic(string topic, int partitions, int replicationFactor)
    {
        int err = MockClusterNative.TopicCreate(Cluster, topic, partitions, Math.Min(replicationFactor, BrokerCount));
        Check(err, $"create topic '{topic}'");
    }

    /// <summary>Removes the topic and frees its data; later requests for it get UNKNOWN_TOPIC_OR_PART.</summary>
    public void DeleteTopic(string topic) => Check(MockClusterNative.TopicDelete(Cluster, topic), $"delete topic '{topic}'");

    public void Advertise(int brokerId, string host, int port) => MockClusterNative.BrokerSetHostPort(Cluster, brokerId, host, port);

    public void SetInitialRebalanceDelay(TimeSpan delay) =>
        MockClusterNative.GroupInitialRebalanceDelayMs(Cluster, (int)delay.TotalMilliseconds);

    /// <summary>
    /// Session timeout and heartbeat interval the coordinator gives members of KIP-848 consumer groups
    /// (group.protocol=consumer), the broker-side group.consumer.session.timeout.ms and
    /// group.consumer.heartbeat.interval.ms.
    /// </summary>
    public void SetConsumerGroupTiming(TimeSpan session, TimeSpan heartbeat)
    {
        MockClusterNative.GroupConsumerSessionTimeoutMs(Cluster, (int)session.TotalMilliseconds);
        MockClusterNative.GroupConsumerHeartbeatIntervalMs(Cluster, (int)heartbeat.TotalMilliseconds);
    }

    /// <summary>The next <paramref name="errors"/>.Length requests of <paramref name="apiKey"/> fail with these codes, in order.</summary>
    public void PushRequestErrors(short apiKey, params Confluent.Kafka.ErrorCode[] errors) =>
        MockClusterNative.PushRequestErrorsArray(Cluster, apiKey, (nuint)errors.Length, errors.Select(e => (int)e).ToArray());

    public void SetBrokerDown(int brokerId) => Check(MockClusterNative.BrokerSetDown(Cluster, brokerId), $"take broker {brokerId} down");

    public void SetBrokerUp(int brokerId) => Check(MockClusterNative.BrokerSetUp(Cluster, brokerId), $"bring broker {brokerId} up");

    public void SetRoundTripTime(int brokerId, TimeSpan rtt) =>
        Check(MockClusterNative.BrokerSetRtt(Cluster, brokerId, (int)rtt.TotalMilliseconds), $"set broker {brokerId} round-trip time");

    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(MockClusterNative.PartitionSetLeader(Cluster, topic, partition, brokerId), $"move leader of {topic}-{partition}");

    /// <summary>
    /// The next request of <paramref name="apiKey"/> that broker <paramref name="brokerId"/> receives is
    /// handled as usual (a Produce is written to the log) unless <paramref name="error"/> says otherwise,
    /// and its response is held back for <paramref name="delay"/>. With no error and a delay longer than
    /// the client's request.timeout.ms this is "written, but the answer was lost": the client retries.
    /// Calls queue in order, one request each.
    /// </summary>
    public void PushBrokerRequestDelay(int brokerId, short apiKey, Confluent.Kafka.ErrorCode error, TimeSpan delay)
    {
        // librdkafka exports this only as a C variadic function (no array form, unlike the
        // cluster-wide error push). Called with fixed arguments, its pair arrives where it is read on
        // x64 and on Linux arm64, where variadic integers travel in the same registers; Apple's arm64
        // passes them on the stack instead, so there the call is refused rather than misread.
        if (OperatingSystem.IsMacOS() && RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
            throw new PlatformNotSupportedException("delayed broker responses of the embedded broker are not available on macOS arm64 (librdkafka exports them only as a variadic C function)");
        Check(MockClusterNative.BrokerPushRequestErrorRtt(Cluster, brokerId, apiKey, 1, (int)error, (int)delay.TotalMilliseconds),
            $"queue a delayed response on broker {brokerId}");
    }

    /// <summary>How many pushed errors or delays broker <paramref name="brokerId"/> has not yet applied to <paramref name="apiKey"/> requests.</summary>
    public int PendingBrokerRequestErrors(int brokerId, short apiKey)
    {
        Check(MockClusterNative.BrokerErrorStackCount(Cluster, brokerId, apiKey, out nuint count), $"count queued errors of broker {brokerId}");
        return (int)count;
    }

    private nint Cluster => _cluster != 0 ? _cluster : throw new ObjectDisposedException(nameof(MockCluster));

    private static void Check(int err, string what)
    {
        if (err != 0) throw new InvalidOperationException($"mock cluster could not {what}: {Librdkafka.ErrorText(err)}");
    }

    public void Dispose()
    {
        if (_cluster != 0) MockClusterNative.ClusterDestroy(_cluster);
        if (_handle != 0) Librdkafka.Destroy(_handle);
        _cluster = 0;
        _handle = 0;
    }
}
