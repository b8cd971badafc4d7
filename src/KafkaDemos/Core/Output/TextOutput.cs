using System.Text;

namespace KafkaDemos.Core;

/// <summary>
/// Course-style lines: data on stdout, status on stderr, as kcat does, so `demo ... | grep`
/// sees every record and every delivery report. Nothing is ever sampled or left out.
/// </summary>
public sealed class TextOutput : IOutput
{
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly Lock _lock = new();
    private readonly Timer? _flusher;

    public TextOutput(TextWriter stdout, TextWriter stderr)
    {
        _stderr = stderr;
        if (ReferenceEquals(stdout, Console.Out) && Console.IsOutputRedirected)
        {
            // Console.Out flushes every line: one write call per record, which at a million records
            // costs more than the client's work. Redirected data is buffered instead, and flushed
            // before every status line, at the end, and every 100 ms, so a pipe (| grep) still
            // sees each record within 0.1 s.
            _stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false), 64 * 1024) { AutoFlush = false };
            _flusher = new Timer(_ => Flush(), null, FlushEvery, FlushEvery);
        }
        else
        {
            _stdout = stdout;
        }
    }

    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(100);

    public void Emit(DemoEvent e)
    {
        string? text = e.ToText();
        if (text is null) return;
        lock (_lock)
        {
            if (e.IsData)
            {
                _stdout.WriteLine(text);
                if (!e.IsPerMessage && _flusher is not null) _stdout.Flush();
                return;
            }
            if (_flusher is not null) _stdout.Flush();
            _stderr.WriteLine(text);
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            _stdout.Flush();
            _stderr.Flush();
        }
    }
}
