using System.Diagnostics;
using System.Text;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>
/// `demo ... | head -N` without a shell: the child's stdout is a pipe whose reader takes
/// <paramref name="lines"/> lines and then closes its end, as head does.
/// </summary>
public static class ClosedPipe
{
    public sealed record Run(int ExitCode, IReadOnlyList<string> Lines, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nlines read:\n{string.Join('\n', Lines)}\nstderr:\n{Stderr}";
    }

    /// <param name="lines">Lines to read before closing stdout; null reads to the end (the control).</param>
    public static async Task<Run> RunAsync(IEnumerable<string> args, int? lines, TimeSpan? timeout = null)
    {
        using var process = new Process { StartInfo = DemoProcess.StartInfo(args) };
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
        };
        process.Start();
        process.StandardInput.Close();
        process.BeginErrorReadLine();
        using var bound = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        var read = new List<string>();
        try
        {
            while ((lines is null || read.Count < lines) && await process.StandardOutput.ReadLineAsync(bound.Token) is string line)
                read.Add(line);
            // head exits: the read end of the pipe closes, and the child's next write fails (EPIPE).
            process.StandardOutput.Close();
            await process.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"demo did not exit within the bound after its stdout closed; stderr:\n{stderr}");
        }
        process.WaitForExit();
        lock (stderr) return new Run(process.ExitCode, read, stderr.ToString());
    }
}
