using System.Threading.Channels;
using KafkaDemos.Core;

namespace KafkaDemos.Web;

/// <summary>
/// The page's side of a group watch: one more observer of its events. It keeps, per group, the
/// latest group_state, the last rebalances and the states of the last minutes (for the charts), each
/// as the JSON object `-o json` prints for it, and passes every new one to the connected browsers.
/// A browser that connects (or reconnects) gets the current state of every group at once.
/// </summary>
public sealed class GroupEventHub : IObserver<DemoEvent>
{
    /// <summary>The charts' time axis: about five minutes of once-a-second refreshes per group.</summary>
    private const int HistoryPerGroup = 300;
    private const int RebalancesPerGroup = 10;

    /// <summary>A browser that falls this far behind is disconnected; its reconnect starts from the current state.</summary>
    private const int BacklogPerBrowser = 1000;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _states = [];
    private readonly Dictionary<string, Queue<string>> _rebalances = [];
    private readonly Dictionary<string, Queue<string>> _history = [];
    private readonly List<Channel<string>> _browsers = [];
    private bool _completed;

    /// <summary>Browsers connected now.</summary>
    public int Browsers
    {
        get
        {
            lock (_lock) return _browsers.Count;
        }
    }

    public void OnNext(DemoEvent value)
    {
        string? group = value switch
        {
            GroupStateEvent s => s.Group,
            RebalanceEvent r => r.Group,
            _ => null,
        };
        if (group is null) return;
        string line = JsonOutput.Line(value);
        lock (_lock)
        {
            if (value is GroupStateEvent)
            {
                _states[group] = line;
                Keep(_history, group, line, HistoryPerGroup);
            }
            else
            {
                Keep(_rebalances, group, line, RebalancesPerGroup);
            }
            foreach (var browser in _browsers.ToList())
                if (!browser.Writer.TryWrite(line)) Drop(browser);
        }
    }

    /// <summary>
    /// A browser's stream: first each group's current state, then the rebalances kept, then every new
    /// event as it comes; completed when the hub completes. Dispose the subscription when the browser goes.
    /// </summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<string>(new BoundedChannelOptions(BacklogPerBrowser) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        lock (_lock)
        {
            foreach (string state in _states.Values) channel.Writer.TryWrite(state);
            foreach (string rebalance in _rebalances.Values.SelectMany(r => r)) channel.Writer.TryWrite(rebalance);
            if (_completed) channel.Writer.TryComplete();
            else _browsers.Add(channel);
        }
        return new Subscription(this, channel);
    }

    /// <summary>The states of the last minutes and the rebalances kept, oldest first: what the charts draw when a page opens.</summary>
    public IReadOnlyList<string> History()
    {
        lock (_lock) return [.. _history.Values.SelectMany(h => h), .. _rebalances.Values.SelectMany(r => r)];
    }

    /// <summary>No more events: every browser's stream ends (the server is stopping).</summary>
    public void OnCompleted()
    {
        lock (_lock)
        {
            _completed = true;
            foreach (var browser in _browsers) browser.Writer.TryComplete();
            _browsers.Clear();
        }
    }

    public void OnError(Exception error) => OnCompleted();

    private static void Keep(Dictionary<string, Queue<string>> kept, string group, string line, int limit)
    {
        if (!kept.TryGetValue(group, out var queue)) kept[group] = queue = new Queue<string>();
        queue.Enqueue(line);
        while (queue.Count > limit) queue.Dequeue();
    }

    private void Drop(Channel<string> browser)
    {
        lock (_lock) _browsers.Remove(browser);
        browser.Writer.TryComplete();
    }

    /// <summary>One browser's events; disposing it disconnects the browser from the hub.</summary>
    public sealed class Subscription(GroupEventHub hub, Channel<string> channel) : IDisposable
    {
        public ChannelReader<string> Events => channel.Reader;

        public void Dispose() => hub.Drop(channel);
    }
}
