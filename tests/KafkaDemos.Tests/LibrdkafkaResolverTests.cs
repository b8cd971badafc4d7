using System.Runtime.InteropServices;
using KafkaDemos.Native;

namespace KafkaDemos.Tests;

/// <summary>The order in which the resolver looks for librdkafka.redist's builds, per platform.</summary>
public class LibrdkafkaResolverTests
{
    private const string Base = "/app";

    private static string[] Names(OSPlatform os, Architecture arch, bool musl) =>
        [.. LibrdkafkaResolver.Candidates(os, arch, musl, Base).Select(p => Path.GetRelativePath(Base, p).Replace('\\', '/'))];

    [Fact]
    public void Glibc_Linux_tries_the_default_build_then_the_self_contained_centos8_build()
    {
        Assert.Equal(
            ["runtimes/linux-x64/native/librdkafka.so", "runtimes/linux-x64/native/centos8-librdkafka.so",
             "librdkafka.so", "centos8-librdkafka.so"],
            Names(OSPlatform.Linux, Architecture.X64, musl: false));
    }

    [Fact]
    public void Musl_Linux_uses_the_alpine_build_wherever_the_redist_put_it()
    {
        Assert.Equal(
            ["runtimes/linux-musl-arm64/native/alpine-librdkafka.so", "runtimes/linux-arm64/native/alpine-librdkafka.so",
             "alpine-librdkafka.so"],
            Names(OSPlatform.Linux, Architecture.Arm64, musl: true));
    }

    [Fact]
    public void MacOS_and_Windows_have_one_build_each()
    {
        Assert.Equal(["runtimes/osx-arm64/native/librdkafka.dylib", "librdkafka.dylib"], Names(OSPlatform.OSX, Architecture.Arm64, musl: false));
        Assert.Equal(["runtimes/win-x64/native/librdkafka.dll", "librdkafka.dll"], Names(OSPlatform.Windows, Architecture.X64, musl: false));
    }

    [Fact]
    public void A_missing_library_names_every_file_tried_and_what_to_do()
    {
        var e = new NativeClientMissingException(["/app/runtimes/linux-x64/native/librdkafka.so"],
            ["/app/runtimes/linux-x64/native/librdkafka.so: libsasl2.so.3: cannot open shared object file"], null);

        Assert.Contains("librdkafka", e.Message);
        Assert.Contains("libsasl2.so.3: cannot open shared object file", e.Message);
        Assert.Contains("librdkafka.redist", e.Message);
        Assert.Contains("centos8-librdkafka.so", e.Message);
    }
}
