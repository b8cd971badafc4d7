using KafkaDemos.Core;


namespace KafkaDemos.Labs;

/// <summary>
/// Shows a demo's live output trimmed to a readable amount: the first <c>limit</c> per-message
/// lines, then one line saying how many more there were. Status and summary events pass
/// through. JSON output is not trimmed: machines want every event.
/// </summary>
public sealed class TrimmedSink(IOutput inner, int limit, bool trim) : IOutput
{
    private int _shown;
    private int _hidden;

    public void Emit(DemoEvent e)
    {
        if (trim && e.IsPerMessage)
        {
            if (Interlocked.Increment(ref _shown) > limit)
            {
                Interlocked.Increment(ref _hidden);
                return;
            }
        }
        else
        {
            // Say what was left out before the next status line, so it reads in order.
            Close();
        }
        inner.Emit(e);
    }

    /// <summary>Says how many lines were left out since the last time, if any.</summary>
    public void Close()
    {
        int hidden = Interlocked.Exchange(ref _hidden, 0);
        if (hidden > 0) inner.Emit(new InfoEvent($"  ... {hidden} more lines like these"));
    }

    public void Flush() => inner.Flush();
}
