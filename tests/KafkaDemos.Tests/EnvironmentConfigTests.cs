using KafkaDemos.Configuration;

namespace KafkaDemos.Tests;

[CollectionDefinition(nameof(EnvironmentConfigTests), DisableParallelization = true)]
public sealed class EnvironmentCollection;

/// <summary>Environment variables are process-wide, so these tests run alone.</summary>
[Collection(nameof(EnvironmentConfigTests))]
public sealed class EnvironmentConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly List<string> _set = [];

    private void Set(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        _set.Add(name);
    }

    private ConfigRequest Request(params string[] files) => new() { ConfigFiles = files, CurrentDirectory = _dir.Path, BaseDirectory = _dir.Path };

    [Fact]
    public void Environment_beats_properties_file_and_flags_beat_environment()
    {
        string props = _dir.Write("client.properties", "bootstrap.servers=props:9092\nlinger.ms=50\n");
        Set("KAFKA_BOOTSTRAP_SERVERS", "env:9092");
        Set("KAFKA_LINGER_MS", "7");

        var fromEnv = ConfigLoader.Load(Request(props));
        var fromFlag = ConfigLoader.Load(Request(props) with { BootstrapServers = "flag:9092" });

        Assert.Equal(new Setting("env:9092", "env KAFKA_BOOTSTRAP_SERVERS"), fromEnv.Client(ClientKind.Producer)["bootstrap.servers"]);
        Assert.Equal(new Setting("7", "env KAFKA_LINGER_MS"), fromEnv.Client(ClientKind.Producer)["linger.ms"]);
        Assert.Equal("flag:9092", fromFlag.BootstrapServers);
    }

    [Fact]
    public void Section_prefixes_target_one_client_kind()
    {
        Set("KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "10000");
        Set("KAFKA_PRODUCER_ENABLE_IDEMPOTENCE", "true");

        var config = ConfigLoader.Load(Request());

        Assert.Equal("10000", config.Client(ClientKind.Consumer)["session.timeout.ms"].Value);
        Assert.Equal("true", config.Client(ClientKind.Producer)["enable.idempotence"].Value);
        Assert.False(config.Client(ClientKind.Consumer).ContainsKey("enable.idempotence"));
    }

    [Fact]
    public void Variables_of_a_local_kafka_install_are_ignored_with_a_note()
    {
        Set("KAFKA_HEAP_OPTS", "-Xmx1G");

        var config = ConfigLoader.Load(Request());

        Assert.Contains(config.Notes, n => n.Contains("KAFKA_HEAP_OPTS"));
    }

    [Fact]
    public void Demo_settings_follow_the_dotnet_scheme()
    {
        Set("KAFKADEMOS_Demo__Topic", "env-topic");

        Assert.Equal(new Setting("env-topic", "env KAFKADEMOS_*"), ConfigLoader.Load(Request()).Demo.Get("Topic"));
    }

    [Theory]
    [InlineData("KAFKA_BOOTSTRAP_SERVERS", "Common", "bootstrap.servers")]
    [InlineData("KAFKA_CONSUMER_AUTO_OFFSET_RESET", "Consumer", "auto.offset.reset")]
    [InlineData("KAFKA_ADMIN_REQUEST_TIMEOUT_MS", "Admin", "request.timeout.ms")]
    public void Environment_names_map_both_ways(string variable, string section, string property)
    {
        Assert.Equal((section, property), ConfigLoader.FromEnvironmentName(variable));
        Assert.Equal(variable, ConfigLoader.ToEnvironmentName(section, property));
    }

    public void Dispose()
    {
        foreach (var name in _set) Environment.SetEnvironmentVariable(name, null);
        _dir.Dispose();
    }
}
