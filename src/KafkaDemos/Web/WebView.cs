using System.Net;
using KafkaDemos.Core;

namespace KafkaDemos.Web;

/// <summary>
/// A group watch's live page in the browser (`--web`): an observer of the watch's events that serves
/// them to every browser that opens its address. Starting it is the only way into ASP.NET Core, so
/// the commands that do not serve a page do not load it.
/// </summary>
public sealed class WebView : IObserver<DemoEvent>, IAsyncDisposable
{
    private readonly GroupEventHub _hub;
    private readonly IAsyncDisposable _server;
    private int _disposed;

    private WebView(GroupEventHub hub, IAsyncDisposable server, IPEndPoint bound)
    {
        _hub = hub;
        _server = server;
        Url = WebAddress.Url(bound);
        Loopback = IPAddress.IsLoopback(bound.Address);
    }

    /// <summary>What a browser opens, e.g. http://127.0.0.1:5080/.</summary>
    public string Url { get; }

    /// <summary>True when only this machine can open the page.</summary>
    public bool Loopback { get; }

    /// <summary>The event that says where the page is.</summary>
    public WebPageEvent Served => new(Url, Loopback);

    /// <summary>Browsers connected now.</summary>
    public int Browsers => _hub.Browsers;

    /// <summary>Listens on <paramref name="address"/> (HOST:PORT; null or empty: <see cref="WebAddress.Default"/>).</summary>
    /// <exception cref="UsageException">Not an address, or nothing can listen there (a port in use).</exception>
    public static async Task<WebView> StartAsync(string? address, CancellationToken cancel)
    {
        var endpoint = WebAddress.Parse(address);
        var hub = new GroupEventHub();
        var (server, bound) = await GroupWebServer.StartAsync(endpoint, hub, cancel);
        return new WebView(hub, server, bound);
    }

    public void OnNext(DemoEvent value) => _hub.OnNext(value);

    public void OnError(Exception error)
    {
    }

    public void OnCompleted()
    {
    }

    /// <summary>Closes the server (bounded: about a second); again is a no-op.</summary>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? _server.DisposeAsync() : ValueTask.CompletedTask;
}
