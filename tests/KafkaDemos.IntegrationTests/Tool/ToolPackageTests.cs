using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using KafkaDemos.Labs;

namespace KafkaDemos.IntegrationTests.Tool;

/// <summary>
/// `demo` as a .NET tool, from a fresh state: the sources copied without bin/ or obj/, packed,
/// installed with `dotnet tool install --tool-path`, and run from an empty directory outside the
/// clone. The installed tool must find its native client (librdkafka from the package's runtimes/
/// folder, which the embedded broker needs too) and read no appsettings.json but the current
/// directory's. Slow (a Release build and a pack, a minute or two): `--filter "Category!=Slow"`
/// leaves it out. eng/tool-smoke.sh runs the same steps with the whole tour.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ToolPackageTests : IAsyncLifetime
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    private readonly string _work = Path.Combine(Path.GetTempPath(), "kafkademos-tool-" + Guid.NewGuid().ToString("N")[..8]);

    private string Empty => Path.Combine(_work, "empty");

    private string Demo => Path.Combine(_work, "tools", OperatingSystem.IsWindows() ? "demo.exe" : "demo");

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Empty);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(_work, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task The_packed_tool_installs_and_runs_from_any_directory()
    {
        string version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        string sources = CopySources(Path.Combine(_work, "src"));
        string pack = Path.Combine(_work, "pack");

        // No build server outlives the test (nor competes with the run for the machine's cores).
        var packed = await RunAsync("dotnet", ["pack", Path.Combine(sources, "src", "KafkaDemos", "KafkaDemos.csproj"), "-c", "Release",
            "-o", pack, "--nologo", "--disable-build-servers", $"-p:PackageVersion={version}"], _work, PackTimeout);
        Assert.True(packed.ExitCode == 0, "dotnet pack failed\n" + packed);
        string package = Assert.Single(Directory.GetFiles(pack, "*.nupkg"));
        Assert.Equal($"KafkaDemos.{version}.nupkg", Path.GetFileName(package));
        AssertPackageCarriesLibrdkafka(package);

        var installed = await RunAsync("dotnet", ["tool", "install", "--tool-path", Path.Combine(_work, "tools"),
            "--add-source", pack, "--version", version, "KafkaDemos"], _work, PackTimeout);
        Assert.True(installed.ExitCode == 0, "dotnet tool install failed\n" + installed);
        Assert.True(File.Exists(Demo), $"no {Demo} after the install\n{installed}");

        var shown = await RunAsync(Demo, ["version"], Empty, RunTimeout);
        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Matches(@"demo \d+\.\d+\.\d+", shown.Stdout);
        Assert.Matches(@"librdkafka \d+\.\d+\.\d+ \((centos8-|alpine-)?librdkafka\.(so|dylib|dll)\)", shown.Stdout);

        var config = await RunAsync(Demo, ["config", "show", "-o", "json"], Empty, RunTimeout);
        Assert.True(config.ExitCode == 0, config.ToString());
        Assert.Contains("Config file: none", config.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\"appsettings.json\"", config.Stdout, StringComparison.Ordinal);

        // An appsettings.json in the current directory is read, and `config show` names it.
        await File.WriteAllTextAsync(Path.Combine(Empty, "appsettings.json"), """{ "Demo": { "Count": 7 } }""");
        var local = await RunAsync(Demo, ["config", "show"], Empty, RunTimeout);
        File.Delete(Path.Combine(Empty, "appsettings.json"));
        Assert.True(local.ExitCode == 0, local.ToString());
        Assert.Matches(new Regex(@"^Config file: .*empty[/\\]appsettings\.json$", RegexOptions.Multiline), (local.Stdout + local.Stderr).ReplaceLineEndings("\n"));

        // One chapter of the tour on the embedded broker: the mock cluster lives in the packaged librdkafka.
        var tour = await RunAsync(Demo, ["tour", "--embedded", "--chapter", "sync"], Empty, RunTimeout);
        Assert.True(tour.ExitCode == 0, tour.ToString());
        Assert.Contains("Every check passed.", tour.Stdout + tour.Stderr, StringComparison.Ordinal);
    }

    private static void AssertPackageCarriesLibrdkafka(string package)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (string expected in new[]
        {
            "tools/net10.0/any/demo.dll",
            "tools/net10.0/any/runtimes/linux-x64/native/centos8-librdkafka.so",
            "tools/net10.0/any/runtimes/linux-x64/native/librdkafka.so",
            "tools/net10.0/any/runtimes/osx-arm64/native/librdkafka.dylib",
            "tools/net10.0/any/runtimes/win-x64/native/librdkafka.dll",
        })
            Assert.Contains(expected, names);
        Assert.DoesNotContain(names, n => n.EndsWith("/appsettings.json", StringComparison.Ordinal));
    }

    /// <summary>What a pack needs and nothing built: the project, the shared props and the worked example it links.</summary>
    private static string CopySources(string target)
    {
        string root = RepoRoot();
        Directory.CreateDirectory(target);
        foreach (string file in new[] { "Directory.Build.props", "Directory.Packages.props", ".editorconfig", "appsettings.json" })
            File.Copy(Path.Combine(root, file), Path.Combine(target, file));
        CopyTree(Path.Combine(root, "src", "KafkaDemos"), Path.Combine(target, "src", "KafkaDemos"));
        return target;
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (string dir in Directory.GetDirectories(from))
        {
            string name = Path.GetFileName(dir);
            if (name is "bin" or "obj") continue;
            CopyTree(dir, Path.Combine(to, name));
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KafkaDemos.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("KafkaDemos.sln above " + AppContext.BaseDirectory);
    }

    private static async Task<Run> RunAsync(string file, IEnumerable<string> args, string directory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args) info.ArgumentList.Add(arg);
        // The installed tool must work on its own: no broker or setting of the developer's leaks in.
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("KAFKA_", StringComparison.Ordinal) || k.StartsWith("KAFKADEMOS_", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        // An MSBuild node or a test host's variables would make the nested build reuse this run's state.
        foreach (string key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        await using var child = new DemoChild(info, onEvent: null,
            onStdout: line => { lock (stdout) stdout.AppendLine(line); },
            onStderr: line => { lock (stderr) stderr.AppendLine(line); });
        if (!await child.WaitForExitAsync(timeout))
        {
            child.Kill();
            lock (stdout) lock (stderr)
                throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not end within {timeout}\n{stdout}\n{stderr}");
        }
        lock (stdout) lock (stderr) return new Run(child.ExitCode ?? -1, stdout.ToString(), stderr.ToString());
    }

    private sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
    }
}
