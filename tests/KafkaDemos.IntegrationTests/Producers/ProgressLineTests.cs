using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Producers;

/// <summary>
/// The live progress line is drawn on stderr only when stderr is a terminal and stdout is not:
/// run under `script` (a pseudo-terminal), what the terminal finally shows must have every status
/// line whole, never glued to a progress frame, and the redirected data must have every record.
/// </summary>
public sealed partial class ProgressLineTests(KafkaFixture kafka)
{
    /// <summary>A whole progress frame, alone on the line.</summary>
    [GeneratedRegex(@"^\s*sent [\d,]+, delivered [\d,]+, failed [\d,]+, [\d,]+ msg/s\s*$")]
    private static partial Regex WholeFrame();

    /// <summary>The end of a frame, which no status line has (the summary says "failed N, not delivered N" and ends otherwise).</summary>
    [GeneratedRegex(@"failed [\d,]+, [\d,]+ msg/s|\d msg/s\s*$")]
    private static partial Regex FrameTail();

    [Fact]
    public async Task The_progress_line_never_mixes_with_status_lines_and_the_data_is_whole()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/usr/bin/script")) Assert.Skip("needs util-linux's script for a pseudo-terminal");
        if (await PseudoTerminalRefusal() is string refusal) Assert.Skip($"no pseudo-terminal can be opened here (script: {refusal})");
        const int count = 1500;
        string topic = await kafka.CreateTopicAsync("progress", 2);
        string dir = Directory.CreateTempSubdirectory("progress").FullName;
        string data = Path.Combine(dir, "out.txt"), screen = Path.Combine(dir, "screen.txt");
        string command = $"dotnet '{DemoProcess.DemoDll}' produce --mode async --topic {topic} -n {count} --interval 1ms -b {kafka.BootstrapServers} > '{data}'";

        var info = new ProcessStartInfo("/usr/bin/script") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in new[] { "-qefc", command, screen }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(deadline.Token);
        string shown = await File.ReadAllTextAsync(screen);

        Assert.True(process.ExitCode == 0, shown);
        Assert.Matches(FrameTail(), shown);
        var lines = VisibleLines(shown);
        Assert.Contains(lines, l => l.StartsWith("Message sending completed!", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Summary: mode async", StringComparison.Ordinal));
        Assert.Empty(MixedLines(lines));
        var records = File.ReadAllLines(data);
        Assert.Equal(count, records.Count(l => l.StartsWith("key=", StringComparison.Ordinal)));
        Assert.DoesNotContain(records, l => FrameTail().IsMatch(l) || l.Contains('\r'));
    }

    /// <summary>
    /// Why `script` cannot open a pseudo-terminal, or null when it can: a sandbox without /dev/pts
    /// (or with /dev/ptmx closed) refuses with "failed to create pseudo-terminal", whatever the demo does.
    /// </summary>
    private static async Task<string?> PseudoTerminalRefusal()
    {
        var info = new ProcessStartInfo("/usr/bin/script") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "-qefc", "true", "/dev/null" }) info.ArgumentList.Add(arg);
        using var probe = Process.Start(info)!;
        probe.StandardInput.Close();
        var stderr = probe.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await probe.WaitForExitAsync(deadline.Token);
        return probe.ExitCode == 0 ? null : $"exit {probe.ExitCode}, {(await stderr).Trim()}";
    }

    /// <summary>The negative control of the check above: a frame that is not cleared before a status line is caught.</summary>
    [Fact]
    public void A_status_line_written_over_an_uncleared_frame_is_caught()
    {
        const string frame = "\r  sent 5, delivered 3, failed 0, 10 msg/s ";

        Assert.Empty(MixedLines(VisibleLines(frame + "\r\u001b[KMessage sending completed!\r\n")));
        Assert.Single(MixedLines(VisibleLines(frame + "Message sending completed!\r\n")));
        Assert.Single(MixedLines(VisibleLines(frame + "\rMessage sending completed!\r\n")));
    }

    /// <summary>Lines that show a status line and (part of) a progress frame together.</summary>
    private static List<string> MixedLines(IEnumerable<string> lines) =>
        [.. lines.Where(l => !WholeFrame().IsMatch(l) && FrameTail().IsMatch(l))];

    /// <summary>What a terminal shows of each line: a carriage return goes back to its start, ESC[K erases to its end.</summary>
    private static List<string> VisibleLines(string raw)
    {
        var result = new List<string>();
        foreach (string line in raw.Split('\n'))
        {
            var shown = new StringBuilder();
            int cursor = 0;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (c == '\r') { cursor = 0; continue; }
                if (c == '\u001b' && i + 1 < line.Length && line[i + 1] == '[')
                {
                    int end = i + 2;
                    while (end < line.Length && !char.IsLetter(line[end])) end++;
                    if (end < line.Length && line[end] == 'K') shown.Length = Math.Min(shown.Length, cursor);
                    i = end;
                    continue;
                }
                if (cursor < shown.Length) shown[cursor] = c;
                else shown.Append(c);
                cursor++;
            }
            result.Add(shown.ToString());
        }
        return result;
    }
}
