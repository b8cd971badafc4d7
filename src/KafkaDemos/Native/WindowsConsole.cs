using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace KafkaDemos.Native;

/// <summary>
/// Ctrl+Break to a child process group (Windows): what <see cref="PosixSignals"/> SIGTERM is on Unix.
/// Ctrl+C cannot be sent to one group, only to a whole console, so a child demo started in a new
/// process group is sent Ctrl+Break, which .NET raises as SIGQUIT and `demo` handles as Ctrl+C.
/// </summary>
[SupportedOSPlatform("windows")]
internal static partial class WindowsConsole
{
    public const uint CtrlBreakEvent = 1;

    /// <summary>False when the caller shares no console with the group (then only a kill stops it).</summary>
    public static bool SendCtrlBreak(int processGroupId) => GenerateConsoleCtrlEvent(CtrlBreakEvent, (uint)processGroupId);

    [LibraryImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GenerateConsoleCtrlEvent(uint ctrlEvent, uint processGroupId);
}
