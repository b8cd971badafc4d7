using System.Net;
using System.Net.Sockets;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>Bad broker addresses are usage errors; addresses that refuse the connection end the broker check at once.</summary>
public sealed class BootstrapAddressTests
{
    [Theory]
    [InlineData("-b", "")]
    [InlineData("-b", "localhost:notaport")]
    [InlineData("-b", "localhost:70000")]
    [InlineData("-X", "bootstrap.servers=localhost:9092,,localhost:9093")]
    public async Task A_malformed_broker_list_exits_2_naming_it(string flag, string value)
    {
        var result = await DemoProcess.RunAsync(["topics", "list", flag, value], TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 2, result.ToString());
        string shown = flag == "-X" ? value["bootstrap.servers=".Length..] : value;
        Assert.Contains($"bootstrap.servers '{shown}'", result.Stderr);
        Assert.Contains("HOST:PORT", result.Stderr);
    }

    [Fact]
    public async Task A_malformed_broker_list_from_the_environment_exits_2_naming_its_source()
    {
        var result = await DemoProcess.RunAsync(["topics", "list"], TimeSpan.FromSeconds(60),
            environment: new Dictionary<string, string?> { ["KAFKA_BOOTSTRAP_SERVERS"] = "broker:port" });

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("KAFKA_BOOTSTRAP_SERVERS", result.Stderr);
    }

    [Fact]
    public async Task Addresses_that_all_refuse_end_the_check_at_once_with_exit_3()
    {
        string first = FreePort(), second = FreePort();

        var result = await DemoProcess.RunAsync(["topics", "list", "-b", $"{first},{second}", "--preflight-timeout", "120s"], TimeSpan.FromSeconds(150));

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("refused the connection", result.Stderr);
        // Far below the 120 s the check would otherwise wait; the bound only absorbs a busy machine.
        Assert.True(result.Elapsed < TimeSpan.FromSeconds(60), $"took {result.Elapsed}");
    }

    /// <summary>The control: a broker address that accepts the connection but never answers is waited for, up to the timeout.</summary>
    [Fact]
    public async Task An_address_that_accepts_but_never_answers_is_waited_for_until_the_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true) held.Add(await silent.AcceptTcpClientAsync(stop.Token));
            }
            catch (OperationCanceledException)
            {
                // The test is over.
            }
        });

        var result = await DemoProcess.RunAsync(["topics", "list", "-b", $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}", "--preflight-timeout", "3s"], TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await accepting;
        foreach (var client in held) client.Dispose();

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.True(result.Stderr.Contains("within 3 s", StringComparison.Ordinal), result.ToString());
        Assert.True(result.Elapsed >= TimeSpan.FromSeconds(3), $"took {result.Elapsed}");
    }

    private static string FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return $"127.0.0.1:{port}";
    }
}
