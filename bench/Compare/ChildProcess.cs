using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KafkaDemos.Compare;

/// <summary>A finished run: exit code, wall time, CPU time of the whole process and its peak resident memory.</summary>
internal sealed record ChildRun(int ExitCode, double WallSeconds, double? CpuSeconds, double? PeakMb);

/// <summary>
/// A command run with its output in files, as a shell redirect would (so a chatty consumer writes to
/// /dev/null, not through a pipe this process must drain): /bin/sh execs it in place, so the pid is
/// the command's own.
/// </summary>
internal sealed partial class ChildProcess
{
    private const string Redirect = """o=$1; e=$2; shift 2; if [ "$e" = "$o" ]; then exec "$@" >"$o" 2>&1 </dev/null; else exec "$@" >"$o" 2>"$e" </dev/null; fi""";
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(IReadOnlyList<string> cmd, string stdout, string stderr)
    {
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (string arg in (string[])["-c", Redirect, "sh", stdout, stderr, .. cmd]) info.ArgumentList.Add(arg);
        return new ChildProcess(Process.Start(info) ?? throw new InvalidOperationException($"could not start {cmd[0]}"));
    }

    /// <summary>
    /// Runs <paramref name="cmd"/> to its end. CPU time is the kernel's account of the children this
    /// process has waited for (getrusage RUSAGE_CHILDREN) before and after, so it covers the whole
    /// process; the broker, running throughout, is not waited for until the end and does not count.
    /// Peak memory is the child's VmHWM, sampled every 50 ms. Cancelling kills the command.
    /// </summary>
    public static async Task<ChildRun> RunAsync(IReadOnlyList<string> cmd, string stdout, string stderr, CancellationToken stop)
    {
        stop.ThrowIfCancellationRequested();
        double? cpuBefore = ChildrenCpuSeconds();
        var clock = Stopwatch.StartNew();
        var child = Start(cmd, stdout, stderr);
        double? peak = null;
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                if (PeakMb(child._process.Id) is { } mb) peak = Math.Max(peak ?? 0, mb);
                try { await Task.Delay(50, sampling.Token); }
                catch (OperationCanceledException) { break; }
            }
        }, CancellationToken.None);
        try
        {
            await child._process.WaitForExitAsync(stop);
        }
        catch (OperationCanceledException)
        {
            child.Kill();
            throw;
        }
        finally
        {
            sampling.Cancel();
            await sampler;
        }
        clock.Stop();
        double? cpuAfter = ChildrenCpuSeconds();
        int exit = child._process.ExitCode;
        child._process.Dispose();
        return new ChildRun(exit, clock.Elapsed.TotalSeconds, cpuAfter - cpuBefore, peak);
    }

    /// <summary>SIGTERM, then SIGKILL to it and its descendants after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        _ = SendSignal(_process.Id, 15);
        using var wait = new CancellationTokenSource(grace);
        try { await _process.WaitForExitAsync(wait.Token); }
        catch (OperationCanceledException) { Kill(); }
    }

    private void Kill()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    private static double? PeakMb(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().ToString().Split(' ')[0]) / 1024.0;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>User + system seconds of the waited-for children, or null off Linux.</summary>
    private static double? ChildrenCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return null;
        // struct rusage on 64-bit Linux: ru_utime and ru_stime (two timevals), then 14 longs.
        var usage = new long[18];
        if (GetRusage(-1 /* RUSAGE_CHILDREN */, usage) != 0) return null;
        return usage[0] + usage[1] / 1e6 + usage[2] + usage[3] / 1e6;
    }

    [LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetRusage(int who, [Out] long[] usage);

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}
