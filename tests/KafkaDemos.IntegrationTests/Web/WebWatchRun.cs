using System.Text.Json;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Web;

/// <summary>
/// A four-partition topic, a group, a status topic of its own, and `demo groups watch GROUP --web
/// 127.0.0.1:0 -o json` (the system picks a free port; the watch says which in its web_page event),
/// with `demo consume` members added as child processes.
/// </summary>
internal sealed class WebWatchRun : IAsyncDisposable
{
    public const int Partitions = 4;

    private readonly KafkaFixture _kafka;
    private readonly Dictionary<string, DemoProcess> _members = [];
    private readonly HashSet<DemoProcess> _killed = [];

    private WebWatchRun(KafkaFixture kafka, string topic, string status, string group, DemoProcess watch, string url)
    {
        _kafka = kafka;
        Topic = topic;
        Status = status;
        Group = group;
        Watch = watch;
        Url = url;
    }

    public string Topic { get; }

    public string Status { get; }

    public string Group { get; }

    public DemoProcess Watch { get; }

    /// <summary>The page's address as the watch printed it, e.g. http://127.0.0.1:41234/.</summary>
    public string Url { get; }

    public static async Task<WebWatchRun> StartAsync(KafkaFixture kafka)
    {
        string topic = await kafka.CreateTopicAsync("web", Partitions);
        string status = await kafka.CreateTopicAsync("web-status", 1);
        string group = KafkaFixture.UniqueName("g-web");
        var watch = DemoProcess.Start(kafka.DemoArgs("groups", "watch", group, "--topic", topic, "--status-topic", status, "--web", "127.0.0.1:0", "-o", "json"));
        try
        {
            var served = await watch.WaitForEventAsync("web_page", TimeSpan.FromSeconds(30));
            return new WebWatchRun(kafka, topic, status, group, watch, served.GetProperty("url").GetString()!);
        }
        catch
        {
            await watch.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts `demo consume` with <paramref name="client"/> as its client.id, reporting on this run's status topic.</summary>
    public DemoProcess AddMember(string client, params string[] extra)
    {
        var member = DemoProcess.Start(_kafka.DemoArgs(["consume", "--topic", Topic, "--group", Group, "--status-topic", Status,
            "-X", $"client.id={client}", "-o", "json", .. ConsumerKit.FastRebalanceArgs(_kafka), .. extra]));
        _members[client] = member;
        return member;
    }

    /// <summary>Kills the member's process (SIGKILL): no revoke, no last report; it just goes silent.</summary>
    public async Task KillAsync(string client)
    {
        _killed.Add(_members[client]);
        await _members[client].DisposeAsync();
    }

    /// <summary>Each member's partitions as it printed them (assigned, revoked, lost), by client id.</summary>
    public Dictionary<string, HashSet<string>> Printed() => _members.ToDictionary(m => m.Key, m => ConsumerKit.Assignment(m.Value.Events));

    /// <summary>Waits until the members' own output says they own every partition once between them.</summary>
    public async Task WaitForMembersAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var printed = Printed();
            var owned = printed.Values.SelectMany(p => p).ToList();
            if (printed.Values.All(p => p.Count > 0) && owned.Count == Partitions && owned.Distinct().Count() == Partitions) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"members did not settle: {Describe(printed)}");
            await Watch.WaitForEventAsync(e => e.GetProperty("event").GetString() == "group_state" && e.GetProperty("time").GetDateTime() > DateTime.UtcNow.AddSeconds(-1),
                TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>The group_state lines the watch printed, as written.</summary>
    public IEnumerable<string> StateLines() =>
        Watch.Stdout.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("{\"event\":\"group_state\"", StringComparison.Ordinal));

    public static string Describe(Dictionary<string, HashSet<string>> printed) =>
        string.Join("; ", printed.Select(p => $"{p.Key}=[{string.Join(",", p.Value.Order())}]"));

    public static bool Is(JsonElement e, string name) => e.GetProperty("event").GetString() == name;

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members.Values.Except(_killed)) await member.DisposeAsync();
        Watch.Interrupt();
        await Watch.WaitForExitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Watch.DisposeAsync();
    }
}
