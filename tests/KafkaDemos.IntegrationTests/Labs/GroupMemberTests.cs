using System.Diagnostics;
using KafkaDemos.IntegrationTests.Infrastructure;
using KafkaDemos.Labs;

namespace KafkaDemos.IntegrationTests.Labs;

/// <summary>A lab's child-process member counts as stopped cleanly only with exit code 0, and keeps its stderr to say why not.</summary>
public sealed class GroupMemberTests
{
    [Theory]
    [InlineData(0, false, true)]
    [InlineData(1, false, false)]
    [InlineData(2, false, false)]
    [InlineData(3, false, false)]
    [InlineData(0, true, false)]
    public void Only_exit_code_0_without_a_kill_is_a_clean_stop(int exitCode, bool killed, bool clean) =>
        Assert.Equal(clean, DemoChild.IsCleanExit(exitCode, killed));

    [Fact]
    public async Task A_child_that_fails_is_not_clean_and_its_stderr_is_kept()
    {
        await using var member = new ChildProcessMember("consumer-1", Start(["consume", "-b", "127.0.0.1:1"]), new RecordedEvents());

        await member.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await member.StopAsync();

        Assert.Equal(3, member.ExitCode);
        Assert.False(member.StoppedCleanly);
        // Text mode: the error is on stderr only.
        Assert.Contains("stderr: Error: No Kafka broker", member.LastMessages);
        Assert.Contains("127.0.0.1:1", member.LastMessages);
    }

    /// <summary>The control: a child that exits 0 is clean.</summary>
    [Fact]
    public async Task A_child_that_exits_0_is_clean()
    {
        await using var member = new ChildProcessMember("consumer-1", Start(["version"]), new RecordedEvents());

        await member.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        await member.StopAsync();

        Assert.Equal(0, member.ExitCode);
        Assert.True(member.StoppedCleanly);
    }

    private static ProcessStartInfo Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(DemoProcess.DemoDll);
        foreach (string arg in args) info.ArgumentList.Add(arg);
        return info;
    }
}
