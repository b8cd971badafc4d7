using System.Text.RegularExpressions;

namespace KafkaDemos.Tests;

/// <summary>
/// ./demo (bash) and demo.cmd (Windows, whose rule is eng/demo-stale.ps1) build the same output
/// when the same files changed and run it the same way. Neither Windows script runs here: these
/// tests hold their decisions to ./demo's, so the two cannot drift apart.
/// </summary>
public sealed partial class LauncherTests
{
    private static readonly string Root = RepoRoot();

    private static string Bash => File.ReadAllText(Path.Combine(Root, "demo"));

    private static string Cmd => File.ReadAllText(Path.Combine(Root, "demo.cmd"));

    private static string Stale => File.ReadAllText(Path.Combine(Root, "eng", "demo-stale.ps1"));

    [Fact]
    public void Both_launchers_watch_the_same_files()
    {
        string find = Bash.Split("stale()")[1].Split("\n}")[0];
        var bashPaths = BashWatched().Matches(find).Select(m => m.Groups[1].Value).Order().ToList();

        var psPaths = PsList(Stale, "watchedDirs").Concat(PsList(Stale, "watchedFiles")).Order().ToList();

        Assert.Equal(["Directory.Build.props", "Directory.Packages.props", "appsettings.json", "src/KafkaDemos"], bashPaths.Order(StringComparer.Ordinal));
        Assert.Equal(bashPaths.Order(StringComparer.Ordinal), psPaths.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Both_launchers_watch_the_same_kinds_of_file_and_skip_the_same_folders()
    {
        string find = Bash.Split("stale()")[1].Split("\n}")[0];
        var bashExtensions = BashName().Matches(find).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        var bashSkipped = BashSkipped().Matches(find).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);

        Assert.Equal([".cs", ".csproj", ".css", ".html", ".js", ".json", ".props"], bashExtensions);
        Assert.Equal(bashExtensions, PsList(Stale, "extensions").Order(StringComparer.Ordinal));
        Assert.Equal(["bin", "obj"], bashSkipped);
        Assert.Equal(bashSkipped, PsList(Stale, "skipped").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Both_launchers_build_once_into_the_same_place_and_run_the_dll()
    {
        // A build is needed when the dll or the stamp is missing; the stamp is written after a good build.
        Assert.Contains("""out="$root/.demo/bin""", Bash, StringComparison.Ordinal);
        Assert.Contains("""stamp="$root/.demo/build-stamp""", Bash, StringComparison.Ordinal);
        Assert.Contains("'.demo/bin/demo.dll'", Stale, StringComparison.Ordinal);
        Assert.Contains("'.demo/build-stamp'", Stale, StringComparison.Ordinal);
        Assert.Contains("""set "out=%root%\.demo\bin""", Cmd, StringComparison.Ordinal);
        Assert.Contains("""set "stamp=%root%\.demo\build-stamp""", Cmd, StringComparison.Ordinal);
        Assert.Contains("""dotnet build "$root/src/KafkaDemos/KafkaDemos.csproj" -c Release -o "$out" """, Bash, StringComparison.Ordinal);
        Assert.Contains("""dotnet build "%root%\src\KafkaDemos\KafkaDemos.csproj" -c Release -o "%out%" """, Cmd, StringComparison.Ordinal);
        Assert.Contains("""exec dotnet "$out/demo.dll" "$@"  """.TrimEnd(), Bash, StringComparison.Ordinal);
        Assert.Contains("""dotnet "%out%\demo.dll" %*""", Cmd, StringComparison.Ordinal);
        // The stamp only after a build that succeeded, and the run's exit code is the launcher's.
        int build = Cmd.IndexOf("dotnet build", StringComparison.Ordinal);
        Assert.True(Cmd.IndexOf("if errorlevel 1 goto buildfailed", build, StringComparison.Ordinal) < Cmd.IndexOf("""type nul >"%stamp%" """.TrimEnd(), build, StringComparison.Ordinal));
        Assert.Contains("exit /b %errorlevel%", Cmd, StringComparison.Ordinal);
        Assert.Contains("""-File "%root%\eng\demo-stale.ps1" -Root "%root%" """.TrimEnd(), Cmd, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cmd_launcher_has_the_line_endings_cmd_needs_and_the_bash_one_those_bash_needs()
    {
        // .gitattributes fixes them whatever core.autocrlf says on the machine that checked out.
        string cmd = File.ReadAllText(Path.Combine(Root, "demo.cmd"));
        Assert.DoesNotMatch(LoneLf(), cmd);
        Assert.DoesNotContain('\r', Bash);
        string attributes = File.ReadAllText(Path.Combine(Root, ".gitattributes"));
        Assert.Contains("*.cmd text eol=crlf", attributes, StringComparison.Ordinal);
        Assert.Contains("demo text eol=lf", attributes, StringComparison.Ordinal);
    }

    private static List<string> PsList(string script, string name)
    {
        var m = Regex.Match(script, @"^\$" + name + @" = @\(([^)]*)\)", RegexOptions.Multiline);
        Assert.True(m.Success, $"no ${name} list in eng/demo-stale.ps1");
        return [.. Regex.Matches(m.Groups[1].Value, "'([^']*)'").Select(x => x.Groups[1].Value)];
    }

    [GeneratedRegex("\"\\$root/([^\"]+)\"")]
    private static partial Regex BashWatched();

    [GeneratedRegex(@"-name '\*(\.[a-z]+)'")]
    private static partial Regex BashName();

    [GeneratedRegex(@"-not -path '\*/(\w+)/\*'")]
    private static partial Regex BashSkipped();

    [GeneratedRegex("(?<!\r)\n")]
    private static partial Regex LoneLf();

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KafkaDemos.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No KafkaDemos.sln above {AppContext.BaseDirectory}");
    }
}
