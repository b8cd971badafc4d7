using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using KafkaDemos.Core;

namespace KafkaDemos.Web;

/// <summary>
/// The page's server: Kestrel from ASP.NET Core's shared framework, three routes. `/` is the page,
/// `/events` the live stream (Server-Sent Events, each message one `-o json` object), `/history` the
/// kept events as one JSON array (the charts' last minutes). Nothing else: no static files, no logging,
/// no configuration read from files or ASPNETCORE_* variables (an empty builder), so the address
/// served is the one the command printed. Only `--web` runs this class, so a command without it never
/// loads ASP.NET Core.
/// </summary>
internal sealed class GroupWebServer(WebApplication app, GroupEventHub hub) : IAsyncDisposable
{
    /// <summary>Ctrl+C closes the server within a second: open streams end at once, requests in flight get this long.</summary>
    private static readonly TimeSpan ShutdownBound = TimeSpan.FromMilliseconds(800);

    /// <summary>A browser's EventSource reconnects this soon after the stream drops.</summary>
    private const int RetryMs = 1000;

    public static async Task<(GroupWebServer Server, IPEndPoint Bound)> StartAsync(IPEndPoint endpoint, GroupEventHub hub, CancellationToken cancel)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(endpoint));
        builder.Services.AddRoutingCore();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownBound);
        var app = builder.Build();
        string page = GroupPage.Html();
        var stopping = app.Lifetime.ApplicationStopping;
        app.MapGet("/", http =>
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.CacheControl = "no-store";
            return http.Response.WriteAsync(page, http.RequestAborted);
        });
        app.MapGet("/events", http => StreamAsync(http, hub, stopping));
        app.MapGet("/history", http =>
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            return http.Response.WriteAsync("[" + string.Join(",", hub.History()) + "]", http.RequestAborted);
        });
        try
        {
            await app.StartAsync(cancel);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw new UsageException($"--web {endpoint}: cannot listen there ({Reason(e)}); give another address, e.g. --web 127.0.0.1:{(endpoint.Port == 5081 ? 5082 : 5081)}", e);
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        int port = address is not null && Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri.Port : endpoint.Port;
        return (new GroupWebServer(app, hub), new IPEndPoint(endpoint.Address, port));
    }

    private static string Reason(IOException e) =>
        e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException
            ? "port in use: another program listens on it"
            : e.InnerException?.Message ?? e.Message;

    /// <summary>One browser: the current state at once, then every event as it comes, until it goes or the server stops.</summary>
    private static async Task StreamAsync(HttpContext http, GroupEventHub hub, CancellationToken stopping)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        using var subscription = hub.Subscribe();
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        try
        {
            await http.Response.WriteAsync($"retry: {RetryMs}\n\n", gone.Token);
            await http.Response.Body.FlushAsync(gone.Token);
            await foreach (string line in subscription.Events.ReadAllAsync(gone.Token))
            {
                await http.Response.WriteAsync($"data: {line}\n\n", gone.Token);
                if (subscription.Events.Count == 0) await http.Response.Body.FlushAsync(gone.Token);
            }
        }
        catch (OperationCanceledException) when (gone.IsCancellationRequested)
        {
            // The browser went, or the server is stopping: the stream ends here.
        }
    }

    public async ValueTask DisposeAsync()
    {
        hub.OnCompleted();
        using var bound = new CancellationTokenSource(ShutdownBound);
        try
        {
            await app.StopAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            // Whatever was still open is dropped with the process.
        }
        await app.DisposeAsync();
    }
}
