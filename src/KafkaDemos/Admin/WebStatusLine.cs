using System.Globalization;
using KafkaDemos.Core;
using KafkaDemos.Web;

namespace KafkaDemos.Admin;

/// <summary>
/// The terminal's one line while the page shows the group: state, generation, members, lag, the
/// rebalances seen and where the page is. An observer of the watch's events, as the page is.
/// </summary>
internal sealed class WebStatusLine(string group, WebView page) : IObserver<DemoEvent>
{
    private GroupStateEvent? _latest;
    private int _rebalances;

    public void OnNext(DemoEvent value)
    {
        if (value is GroupStateEvent state) Volatile.Write(ref _latest, state);
        else if (value is RebalanceEvent) Interlocked.Increment(ref _rebalances);
    }

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    public string Render()
    {
        var s = Volatile.Read(ref _latest);
        string picture = s is null ? "waiting for the first refresh"
            : s.BrokerUnreachableSince is DateTime since ? $"broker unreachable since {since.ToLocalTime():HH:mm:ss}"
            : $"{s.State}, generation {s.Generation?.ToString(CultureInfo.InvariantCulture) ?? "-"}, {s.Members.Count(m => !m.Stale)} member(s)" +
              $"{(s.Members.Any(m => m.Stale) ? $" ({s.Members.Count(m => m.Stale)} stale)" : "")}, lag {s.Partitions.Sum(p => p.Lag ?? 0)}";
        return $"Group {group}: {picture}; {Volatile.Read(ref _rebalances)} rebalance(s) · {page.Url} ({page.Browsers} browser(s)) · Ctrl+C leaves";
    }
}
