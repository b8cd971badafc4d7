using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace KafkaDemos.Native;

/// <summary>
/// A member's view of its group generation (the member epoch under KIP-848's consumer protocol).
/// Confluent.Kafka keeps it inside the opaque ConsumerGroupMetadata it hands to transactional
/// producers; librdkafka reads that blob back and says which generation it carries.
/// Nothing public gives the generation (the assignments a member counts are its own, not the group's
/// generations), so this reads a private field: only the member status reports call it, and those are
/// off by default wherever the broker describes groups itself (see StatusReportChoice).
/// </summary>
internal static unsafe partial class GroupGeneration
{
    private const string Lib = LibrdkafkaResolver.LibraryName;

    [LibraryImport(Lib, EntryPoint = "rd_kafka_consumer_group_metadata_read")]
    private static partial nint Read(out nint metadata, byte* buffer, nuint size);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_consumer_group_metadata_generation_id")]
    private static partial int GenerationId(nint metadata);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_consumer_group_metadata_destroy")]
    private static partial void Destroy(nint metadata);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_error_destroy")]
    private static partial void ErrorDestroy(nint error);

    /// <summary>The generation the consumer is in now, or null when it is not known (not joined yet).</summary>
    public static int? Of<TKey, TValue>(IConsumer<TKey, TValue> consumer)
    {
        // Confluent.Kafka hands the serialized metadata only to its own producer; without this field
        // (another Confluent.Kafka version) the generation is simply reported as unknown.
        var metadataObject = consumer.ConsumerGroupMetadata;
        var field = metadataObject?.GetType().GetField("serializedMetadata", BindingFlags.Instance | BindingFlags.NonPublic);
        if (field?.GetValue(metadataObject) is not byte[] { Length: > 0 } bytes) return null;
        nint metadata;
        fixed (byte* buffer = bytes)
        {
            nint error = Read(out metadata, buffer, (nuint)bytes.Length);
            if (error != 0)
            {
                ErrorDestroy(error);
                return null;
            }
        }
        try
        {
            int generation = GenerationId(metadata);
            return generation >= 0 ? generation : null;
        }
        finally
        {
            Destroy(metadata);
        }
    }
}
