using KafkaDemos.Native;

namespace KafkaDemos.IntegrationTests;

/// <summary>
/// Our own native calls must reach the very library Confluent.Kafka loaded: on Debian that is
/// the centos8 fallback, and a second copy would hold a mock cluster no client can see.
/// </summary>
public class NativeLibraryTests
{
    [Fact]
    public void Our_imports_and_Confluent_Kafka_share_one_librdkafka()
    {
        string ours = Librdkafka.Version();

        Assert.Equal(Confluent.Kafka.Library.VersionString, ours);
        Assert.NotNull(LibrdkafkaResolver.LoadedPath);
        if (!OperatingSystem.IsLinux()) return;
        var mapped = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && Path.GetFileName(fields[^1]).Contains("librdkafka", StringComparison.Ordinal))
            .Select(fields => fields[^1])
            .Distinct()
            .ToList();
        Assert.Equal([Path.GetFullPath(LibrdkafkaResolver.LoadedPath!)], mapped);
    }

    [Fact]
    public void The_version_command_names_the_loaded_build()
    {
        Assert.Matches(@"librdkafka \d+\.\d+\.\d+ \((centos8-|alpine-)?librdkafka\.(so|dylib|dll)\)", KafkaDemos.Cli.VersionInfo.Text);
    }

    /// <summary>
    /// The negative control of the test above: where the default build cannot load (Debian and
    /// Ubuntu lack libsasl2.so.3), .NET's own probing for "librdkafka" would fail, so only the
    /// resolver's fallback makes our calls work.
    /// </summary>
    [Fact]
    public void Where_the_default_build_cannot_load_the_resolver_bound_the_fallback()
    {
        string defaultBuild = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "librdkafka.so");
        if (!OperatingSystem.IsLinux() || !File.Exists(defaultBuild)) Assert.Skip("only on x64 Linux with librdkafka.redist's default build");
        if (System.Runtime.InteropServices.NativeLibrary.TryLoad(defaultBuild, out _)) Assert.Skip("the default build loads on this machine (libsasl2.so.3 is installed)");

        Librdkafka.Version();

        Assert.Equal("centos8-librdkafka.so", Path.GetFileName(LibrdkafkaResolver.LoadedPath));
    }
}
