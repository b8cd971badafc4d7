using System.Diagnostics;
using KafkaDemos.Labs;

namespace KafkaDemos.Tests;

/// <summary>
/// Which clean stop <see cref="DemoChild"/> asks of a child demo, per OS. Both reach `demo` as
/// Ctrl+C does; only the Unix one runs here (the integration tests of the labs stop real children).
/// </summary>
public sealed class DemoChildStopTests
{
    [Fact]
    public void On_Unix_a_child_is_sent_SIGTERM() =>
        Assert.Equal(GracefulStop.SigTerm, DemoChild.GracefulStopFor(windows: false));

    [Fact]
    public void On_Windows_a_child_is_sent_Ctrl_Break_to_its_own_process_group() =>
        Assert.Equal(GracefulStop.CtrlBreakToProcessGroup, DemoChild.GracefulStopFor(windows: true));

    [Fact]
    public void SIGTERM_needs_no_change_to_how_the_child_starts()
    {
        var start = new ProcessStartInfo("demo");

        Assert.False(DemoChild.PrepareForGracefulStop(start, GracefulStop.SigTerm));
    }

    [Fact]
    public void Ctrl_Break_starts_the_child_in_a_process_group_of_its_own()
    {
        var start = new ProcessStartInfo("demo");

        if (OperatingSystem.IsWindows())
        {
            Assert.True(DemoChild.PrepareForGracefulStop(start, GracefulStop.CtrlBreakToProcessGroup));
            Assert.True(start.CreateNewProcessGroup);
        }
        else
        {
            // A console signal of Windows only: elsewhere the choice above never makes it.
            Assert.Throws<PlatformNotSupportedException>(() => DemoChild.PrepareForGracefulStop(start, GracefulStop.CtrlBreakToProcessGroup));
        }
    }

    [Fact]
    public void This_OS_gets_its_own_stop()
    {
        var expected = OperatingSystem.IsWindows() ? GracefulStop.CtrlBreakToProcessGroup : GracefulStop.SigTerm;

        Assert.Equal(expected, DemoChild.GracefulStopFor(OperatingSystem.IsWindows()));
    }
}
