using System.Runtime.InteropServices;

namespace KafkaDemos.Native;

/// <summary>
/// The few librdkafka entry points that Confluent.Kafka does not expose: the library's own
/// version, property validation (so configuration errors are reported before any client
/// exists) and the mock cluster behind the embedded broker.
/// </summary>
internal static unsafe partial class Librdkafka
{
    private const string Lib = LibrdkafkaResolver.LibraryName;

    public const int ConfOk = 0;
    public const int ConfInvalid = -1;
    public const int ConfUnknown = -2;

    [LibraryImport(Lib, EntryPoint = "rd_kafka_version_str")]
    private static partial nint VersionStrNative();

    public static string Version() => Marshal.PtrToStringUTF8(VersionStrNative()) ?? "unknown";

    [LibraryImport(Lib, EntryPoint = "rd_kafka_conf_new")]
    public static partial nint ConfNew();

    [LibraryImport(Lib, EntryPoint = "rd_kafka_conf_destroy")]
    public static partial void ConfDestroy(nint conf);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ConfSet(nint conf, string name, string value, byte* errstr, nuint errstrSize);

    /// <summary>Sets <paramref name="name"/> on <paramref name="conf"/>; returns librdkafka's result and message.</summary>
    public static (int Result, string Error) ConfSet(nint conf, string name, string value)
    {
        const int size = 512;
        byte* buffer = stackalloc byte[size];
        buffer[0] = 0;
        int result = ConfSet(conf, name, value, buffer, size);
        return (result, Marshal.PtrToStringUTF8((nint)buffer) ?? "");
    }

    [LibraryImport(Lib, EntryPoint = "rd_kafka_new")]
    public static partial nint New(int type, nint conf, byte* errstr, nuint errstrSize);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_destroy")]
    public static partial void Destroy(nint rk);

    [LibraryImport(Lib, EntryPoint = "rd_kafka_err2str")]
    private static partial nint Err2StrNative(int err);

    public static string ErrorText(int err) => Marshal.PtrToStringUTF8(Err2StrNative(err)) ?? $"error {err}";
}
