using System.Runtime.InteropServices;

namespace KafkaDemos.Native;

/// <summary>P/Invoke declarations of librdkafka's mock cluster (rdkafka_mock.h).</summary>
internal static partial class MockClusterNative
{
    private const string Lib = LibrdkafkaResolver.LibraryName;

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_cluster_new")]
    public static partial nint ClusterNew(nint rk, int brokerCount);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    public static partial void ClusterDestroy(nint mcluster);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    public static partial nint ClusterBootstraps(nint mcluster);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TopicCreate(nint mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_topic_delete", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TopicDelete(nint mcluster, string topic);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_broker_set_host_port", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void BrokerSetHostPort(nint mcluster, int brokerId, string host, int port);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_set_group_consumer_session_timeout_ms")]
    public static partial void GroupConsumerSessionTimeoutMs(nint mcluster, int timeoutMs);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_set_group_consumer_heartbeat_interval_ms")]
    public static partial void GroupConsumerHeartbeatIntervalMs(nint mcluster, int intervalMs);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    public static partial void GroupInitialRebalanceDelayMs(nint mcluster, int delayMs);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_set_controller_id")]
    public static partial void SetControllerId(nint mcluster, int controllerId);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    public static partial void PushRequestErrorsArray(nint mcluster, short apiKey, nuint count, int[] errors);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_broker_set_down")]
    public static partial int BrokerSetDown(nint mcluster, int brokerId);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_broker_set_up")]
    public static partial int BrokerSetUp(nint mcluster, int brokerId);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    public static partial int BrokerSetRtt(nint mcluster, int brokerId, int rttMs);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_partition_set_leader", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PartitionSetLeader(nint mcluster, string topic, int partition, int brokerId);

    // A variadic C function (cnt pairs of error code and round-trip time follow cnt) with no
    // non-variadic form in librdkafka 2.16.0; declared with one fixed pair and called once per pair
    // (the pushes queue in order on the broker's error stack). MockCluster.PushBrokerRequestDelay
    // refuses the call where variadic arguments are passed differently from fixed ones.
    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_broker_push_request_error_rtts")]
    public static partial int BrokerPushRequestErrorRtt(nint mcluster, int brokerId, short apiKey, nuint count, int error, int rttMs);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_mock_broker_error_stack_cnt")]
    public static partial int BrokerErrorStackCount(nint mcluster, int brokerId, short apiKey, out nuint count);
}
