using Microsoft.Win32.SafeHandles;

namespace KafkaDemos.Core;

/// <summary>
/// stdout for the buffered writers, and the one signal that its reader has gone.
/// .NET's console stream ignores EPIPE, so `demo consume | head -3` would go on "printing" into
/// nothing. When stdout is a pipe (or a socket), the writers write through a plain file stream on
/// descriptor 1 instead, whose writes fail with an IOException once the reader has closed its end
/// (the runtime ignores SIGPIPE). The writer then trips <see cref="Token"/>: the command stops as on
/// Ctrl+C, a consumer commits only records whose lines reached the pipe, and the process exits 1.
/// A regular file (`> out.txt`, perhaps shared with stderr) keeps the console stream and its offset.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "It lives as long as the process's output.")]
public sealed class StdoutPipe
{
    private readonly CancellationTokenSource _closed = new();
    private int _tripped;

    /// <summary>Cancelled once a write to stdout failed: its reader has gone.</summary>
    public CancellationToken Token => _closed.Token;

    public bool IsClosed => _closed.IsCancellationRequested;

    /// <summary>stdout as a stream whose writes fail when a pipe's reader has gone.</summary>
    public static Stream Open()
    {
        if (OperatingSystem.IsWindows()) return Console.OpenStandardOutput();
        var pipe = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        if (!pipe.CanSeek) return pipe;
        pipe.Dispose();
        return Console.OpenStandardOutput();
    }

    /// <summary>
    /// A write to stdout failed: says so once on stderr (stdout is gone, whatever the output format)
    /// and stops the run. Callable under the writer's lock: the token's callbacks run elsewhere.
    /// </summary>
    public void Trip(IOException e)
    {
        if (Interlocked.Exchange(ref _tripped, 1) != 0) return;
        _ = _closed.CancelAsync();
        try
        {
            Console.Error.WriteLine($"Output closed: stdout's reader has gone ({e.Message.TrimEnd('.')}); stopping as on Ctrl+C. " +
                "Records whose lines were not written are not processed: nothing past the last written line is committed.");
        }
        catch (IOException)
        {
            // stderr is gone too: the exit code still says it.
        }
    }
}
