using System.Net;
using System.Net.Sockets;

namespace KafkaDemos.Broker;

/// <summary>
/// Forwards TCP connections from a fixed loopback port to one mock broker. The mock cluster
/// binds random ports and can only change the address it advertises, so a relay per broker
/// is what gives the embedded broker the fixed ports (9092, 9093, ...) that configuration names.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private const int BufferSize = 256 * 1024;
    private readonly List<TcpListener> _listeners = [];
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _acceptLoops = [];
    private readonly HashSet<Socket> _open = [];

    /// <summary>Listens on 127.0.0.1 (and ::1 where the machine has IPv6) at <paramref name="port"/>; 0 picks a free port.</summary>
    public TcpRelay(int port, IPEndPoint target)
    {
        _target = target;
        var v4 = new TcpListener(IPAddress.Loopback, port);
        StartListener(v4, port);
        Port = ((IPEndPoint)v4.LocalEndpoint).Port;
        if (Socket.OSSupportsIPv6)
        {
            // "localhost" may resolve to ::1 first; serve it too so clients don't log refusals.
            var v6 = new TcpListener(IPAddress.IPv6Loopback, Port);
            try { StartListener(v6, Port); }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported) { }
        }
        foreach (var listener in _listeners) _acceptLoops.Add(AcceptLoop(listener));
    }

    public int Port { get; }

    private void StartListener(TcpListener listener, int port)
    {
        try
        {
            listener.Start(backlog: 128);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new PortInUseException(port, e);
        }
        _listeners.Add(listener);
    }

    private async Task AcceptLoop(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception) when (_stop.IsCancellationRequested) { return; }
            catch (SocketException) { continue; }
            _ = Serve(client);
        }
    }

    private async Task Serve(Socket client)
    {
        using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        lock (_open) { _open.Add(client); _open.Add(upstream); }
        try
        {
            await upstream.ConnectAsync(_target, _stop.Token);
            // Whichever side closes first ends the connection, as a direct connection would.
            await Task.WhenAny(Pump(client, upstream), Pump(upstream, client));
        }
        catch (Exception) when (_stop.IsCancellationRequested) { }
        catch (SocketException) { }
        finally
        {
            lock (_open) { _open.Remove(client); _open.Remove(upstream); }
            client.Dispose();
        }
    }

    private async Task Pump(Socket from, Socket to)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0) return;
                int sent = 0;
                while (sent < read) sent += await to.SendAsync(buffer.AsMemory(sent, read - sent), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        foreach (var listener in _listeners) listener.Stop();
        lock (_open) { foreach (var socket in _open) socket.Dispose(); }
        await Task.WhenAll(_acceptLoops).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}

public sealed class PortInUseException(int port, Exception inner)
    : Exception($"Port {port} on the loopback interface is already in use", inner)
{
    public int Port { get; } = port;
}
