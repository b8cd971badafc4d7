using System.Runtime.InteropServices;

namespace KafkaDemos.Native;

/// <summary>Signals to child processes (Linux, macOS): SIGTERM asks a demo to stop cleanly, as Ctrl+C does.</summary>
internal static partial class PosixSignals
{
    public const int SigInt = 2;

    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
