using System.Globalization;
using System.Net;
using KafkaDemos.Core;

namespace KafkaDemos.Web;

/// <summary>
/// Where the live page listens: `--web` alone is 127.0.0.1:5080, only this machine can open it;
/// `--web HOST:PORT` names another address. A non-loopback address (0.0.0.0, the machine's LAN
/// address) serves anyone who can reach it, so it is only ever used when written out.
/// </summary>
public static class WebAddress
{
    public const string Default = "127.0.0.1:5080";

    /// <summary>The endpoint of <paramref name="value"/> (HOST:PORT, [IPv6]:PORT, localhost:PORT; port 0 picks a free one).</summary>
    /// <exception cref="UsageException">The value is not such an address.</exception>
    public static IPEndPoint Parse(string? value)
    {
        string text = string.IsNullOrWhiteSpace(value) ? Default : value.Trim();
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
            throw new UsageException($"--web '{text}' is not HOST:PORT (for example {Default})");
        string host = text[..colon].Trim('[', ']');
        string port = text[(colon + 1)..];
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number > IPEndPoint.MaxPort)
            throw new UsageException($"--web '{text}': port '{port}' is not a number from 0 to {IPEndPoint.MaxPort}");
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return new IPEndPoint(IPAddress.Loopback, number);
        if (!IPAddress.TryParse(host, out var address))
            throw new UsageException($"--web '{text}': '{host}' is not an IP address (or localhost)");
        return new IPEndPoint(address, number);
    }

    /// <summary>The address a browser opens: a wildcard listens everywhere, this machine reaches it on loopback.</summary>
    public static string Url(IPEndPoint bound)
    {
        var host = bound.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : bound.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : bound.Address;
        string shown = host.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{host}]" : host.ToString();
        return $"http://{shown}:{bound.Port}/";
    }
}
