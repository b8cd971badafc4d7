using System.ComponentModel;
using System.Diagnostics;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>One finished `docker` command.</summary>
public sealed record DockerResult(int ExitCode, string Stdout, string Stderr)
{
    public string FirstErrorLine => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {ExitCode}";
}

/// <summary>
/// Runs the `docker` command-line client with a bound on every call. The client follows the
/// user's setup (DOCKER_HOST, docker contexts, Docker Desktop, rootless, Podman's docker
/// command), which is why the tests drive containers through it.
/// </summary>
public static class DockerCli
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Asks the engine for its version: quick, bounded, and never throws.</summary>
    public static async Task<DockerStatus> ProbeAsync()
    {
        try
        {
            var result = await RunAsync(["version", "--format", "{{.Server.Version}}"], ProbeTimeout);
            return result.ExitCode == 0 && result.Stdout.Trim().Length > 0
                ? new DockerStatus(true, "Docker " + result.Stdout.Trim())
                : new DockerStatus(false, result.FirstErrorLine);
        }
        catch (Win32Exception)
        {
            return new DockerStatus(false, "no `docker` command on PATH");
        }
        catch (TimeoutException e)
        {
            return new DockerStatus(false, e.Message);
        }
    }

    /// <summary>Runs `docker ARGS`; throws TimeoutException (after killing it) past the bound.</summary>
    public static async Task<DockerResult> RunAsync(IReadOnlyList<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new Win32Exception("docker did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`docker {string.Join(' ', args)}` did not finish within {timeout.TotalSeconds:0} s");
        }
        return new DockerResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs `docker ARGS` and returns its output; throws with docker's message when it fails.</summary>
    public static async Task<string> CheckedAsync(IReadOnlyList<string> args, TimeSpan timeout)
    {
        var result = await RunAsync(args, timeout);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"`docker {string.Join(' ', args)}` failed: {result.Stderr.Trim()}");
        return result.Stdout.Trim();
    }
}
