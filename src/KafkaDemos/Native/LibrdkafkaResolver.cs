using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace KafkaDemos.Native;

/// <summary>
/// Binds every <c>[LibraryImport("librdkafka")]</c> of this assembly to the very library
/// Confluent.Kafka loaded. librdkafka.redist ships several Linux builds: the default one links
/// libsasl2.so.3, which Debian and Ubuntu lack, and Confluent.Kafka then falls back to the
/// self-contained centos8 build (or uses the musl build on Alpine). .NET's own probing for
/// "librdkafka" knows nothing of that fallback, so without this resolver our calls would fail
/// (or, worse, bind a second copy of the library whose mock cluster the clients never see).
/// </summary>
internal static class LibrdkafkaResolver
{
    public const string LibraryName = "librdkafka";

    private static readonly Lazy<IntPtr> Handle = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The file the resolver bound, for `demo version` and the tests.</summary>
    public static string? LoadedPath { get; private set; }

    [ModuleInitializer]
    internal static void Register() =>
        NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaResolver).Assembly,
            (name, _, _) => name == LibraryName ? Handle.Value : IntPtr.Zero);

    /// <summary>
    /// The builds librdkafka.redist ships for this platform, in the order Confluent.Kafka tries
    /// them; each under the RID folder of a framework-dependent build and flat beside the
    /// executable, as a RID-specific publish lays them out.
    /// </summary>
    public static IReadOnlyList<string> Candidates(OSPlatform os, Architecture arch, bool musl, string baseDirectory)
    {
        string cpu = arch switch
        {
            Architecture.Arm64 => "arm64",
            Architecture.X86 => "x86",
            Architecture.S390x => "s390x",
            _ => "x64",
        };
        (string rid, string[] files) =
            os == OSPlatform.Windows ? ($"win-{cpu}", new[] { "librdkafka.dll" })
            : os == OSPlatform.OSX ? ($"osx-{cpu}", new[] { "librdkafka.dylib" })
            : musl ? ($"linux-musl-{cpu}", new[] { "alpine-librdkafka.so" })
            : ($"linux-{cpu}", new[] { "librdkafka.so", "centos8-librdkafka.so" });
        var folders = new List<string> { Path.Combine(baseDirectory, "runtimes", rid, "native") };
        // The redist keeps its musl build in the linux-<cpu> folder too.
        if (musl) folders.Add(Path.Combine(baseDirectory, "runtimes", $"linux-{cpu}", "native"));
        folders.Add(baseDirectory);
        return [.. folders.SelectMany(folder => files.Select(file => Path.Combine(folder, file)))];
    }

    private static IntPtr Load()
    {
        Exception? confluentError = null;
        try { Confluent.Kafka.Library.Load(); }
        catch (Exception e) { confluentError = e; }

        var candidates = Candidates(CurrentOs(), RuntimeInformation.ProcessArchitecture, IsMusl(), AppContext.BaseDirectory);

        // First the one already in the process: that is the library Confluent.Kafka bound.
        foreach (var path in candidates)
        {
            var loaded = AlreadyLoaded(path);
            if (loaded != IntPtr.Zero) { LoadedPath = path; return loaded; }
        }

        var failures = new List<string>();
        foreach (var path in candidates.Where(File.Exists))
        {
            try
            {
                var handle = NativeLibrary.Load(path);
                LoadedPath = path;
                return handle;
            }
            catch (DllNotFoundException e) { failures.Add($"{path}: {e.Message}"); }
        }
        throw new NativeClientMissingException(candidates, failures, confluentError);
    }

    // dlopen with RTLD_NOLOAD returns a handle only for a library that is already loaded. On
    // Windows loading the one librdkafka.dll again returns the module already in the process.
    private static IntPtr AlreadyLoaded(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path)) return IntPtr.Zero;
        const int RtldLazy = 1;
        int noLoad = OperatingSystem.IsMacOS() ? 0x10 : 0x4;
        return Dlopen(path, RtldLazy | noLoad);
    }

    private static unsafe IntPtr Dlopen(string path, int flags)
    {
        // The host executable links the C library, so its dlopen is found through the main program.
        if (!NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "dlopen", out var dlopen)) return IntPtr.Zero;
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + '\0');
        fixed (byte* p = bytes)
            return ((delegate* unmanaged<byte*, int, IntPtr>)dlopen)(p, flags);
    }

    private static OSPlatform CurrentOs() =>
        OperatingSystem.IsWindows() ? OSPlatform.Windows : OperatingSystem.IsMacOS() ? OSPlatform.OSX : OSPlatform.Linux;

    private static bool IsMusl() =>
        OperatingSystem.IsLinux() && RuntimeInformation.RuntimeIdentifier.Contains("musl", StringComparison.Ordinal);
}

/// <summary>The native Kafka client could not be loaded; the message says what was tried and what to do.</summary>
internal sealed class NativeClientMissingException(IReadOnlyList<string> candidates, IReadOnlyList<string> failures, Exception? confluentError)
    : DllNotFoundException(Describe(candidates, failures, confluentError))
{
    private static string Describe(IReadOnlyList<string> candidates, IReadOnlyList<string> failures, Exception? confluentError)
    {
        var lines = new List<string> { "the native Kafka client (librdkafka) could not be loaded." };
        if (confluentError is not null) lines.Add($"Confluent.Kafka said: {confluentError.Message}");
        lines.Add(failures.Count == 0 ? "None of these files exists:" : "Tried:");
        lines.AddRange(failures.Count == 0 ? candidates.Select(c => "  " + c) : failures.Select(f => "  " + f));
        lines.Add("librdkafka comes with Confluent.Kafka in the librdkafka.redist package: rebuild so its runtimes/ folder " +
                  "is copied next to demo.dll (./demo does this). On Linux with glibc, centos8-librdkafka.so needs nothing " +
                  "but glibc 2.28 or newer; librdkafka.so also needs libsasl2.so.3 (Red Hat's cyrus-sasl-lib).");
        return string.Join('\n', lines);
    }
}
