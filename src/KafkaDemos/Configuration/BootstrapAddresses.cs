using System.Globalization;

namespace KafkaDemos.Configuration;

/// <summary>
/// The form of bootstrap.servers, checked before any client starts: librdkafka takes
/// `localhost:notaport` and only reports, after the whole connection timeout, that no broker answered.
/// </summary>
public static class BootstrapAddresses
{
    public const string Form = "HOST:PORT[,HOST:PORT...] with a port from 1 to 65535 (e.g. localhost:9092)";

    /// <summary>Why <paramref name="servers"/> is not a broker list, or null when it is one.</summary>
    public static string? Problem(string servers)
    {
        if (string.IsNullOrWhiteSpace(servers)) return "it is empty";
        foreach (string raw in servers.Split(','))
        {
            string entry = raw.Trim();
            int scheme = entry.IndexOf("://", StringComparison.Ordinal);
            if (scheme >= 0) entry = entry[(scheme + 3)..];
            if (entry.Length == 0) return "it has an empty address";
            (string host, string? port) = SplitHostPort(entry);
            if (host.Length == 0) return $"'{raw.Trim()}' has no host";
            if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int p) || p is < 1 or > 65535))
                return $"'{raw.Trim()}' has port '{port}', not a number from 1 to 65535";
        }
        return null;
    }

    /// <summary>host:port, [ipv6]:port or a bare host (librdkafka then uses port 9092).</summary>
    private static (string Host, string? Port) SplitHostPort(string entry)
    {
        if (entry.StartsWith('['))
        {
            int close = entry.IndexOf(']');
            if (close < 0) return ("", null);
            string rest = entry[(close + 1)..];
            return (entry[1..close], rest.StartsWith(':') ? rest[1..] : rest.Length == 0 ? null : rest);
        }
        int colon = entry.LastIndexOf(':');
        return colon < 0 ? (entry, null) : (entry[..colon], entry[(colon + 1)..]);
    }
}
