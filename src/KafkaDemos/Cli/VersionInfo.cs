using System.Reflection;
using KafkaDemos.Native;

namespace KafkaDemos.Cli;

/// <summary>The versions `demo --version` and `demo version` print.</summary>
public static class VersionInfo
{
    public static string ToolVersion =>
        typeof(VersionInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "unknown";

    public static string ConfluentKafkaVersion =>
        typeof(Confluent.Kafka.ProducerConfig).Assembly.GetName().Version?.ToString(3) ?? "unknown";

    /// <summary>Asks the loaded native library itself, so a wrong copy on the machine shows here.</summary>
    public static string LibrdkafkaVersion
    {
        get
        {
            try { return $"{Librdkafka.Version()} ({Path.GetFileName(LibrdkafkaResolver.LoadedPath)})"; }
            catch (DllNotFoundException e) { return $"not loaded: {e.Message}"; }
        }
    }

    public static string Text =>
        $"demo {ToolVersion}\nConfluent.Kafka {ConfluentKafkaVersion}\nlibrdkafka {LibrdkafkaVersion}\n.NET {Environment.Version}";
}
