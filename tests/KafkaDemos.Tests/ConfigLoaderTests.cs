using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Tests;

/// <summary>
/// Precedence, lowest to highest: defaults, appsettings.json, .properties, environment, flags.
/// Tests that set environment variables live in <see cref="EnvironmentConfigTests"/> (not parallel).
/// </summary>
public sealed class ConfigLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private ConfigRequest Request(params string[] files) => new()
    {
        ConfigFiles = files,
        CurrentDirectory = _dir.Path,
        BaseDirectory = _dir.Path,
    };

    [Fact]
    public void Without_any_file_the_built_in_defaults_apply()
    {
        var config = ConfigLoader.Load(Request());

        Assert.Null(config.ConfigFile);
        Assert.Equal(new Setting("localhost:9092", "default"), config.Client(ClientKind.Producer)["bootstrap.servers"]);
        Assert.Equal("6000", config.Client(ClientKind.Consumer)["session.timeout.ms"].Value);
        Assert.Equal("ak03.fourpartition", config.Demo.Topic);
        Assert.False(config.Client(ClientKind.Producer).ContainsKey("group.id"));
    }

    [Fact]
    public void Appsettings_in_the_current_directory_beats_defaults_and_sections_apply_per_client()
    {
        _dir.Write("appsettings.json", """
            { "Kafka": { "Common": { "bootstrap.servers": "b1:9092" }, "Producer": { "linger.ms": 20 }, "Consumer": { "group.id": "g1", "enable.auto.commit": false } },
              "Demo": { "Topic": "t1", "Count": 7 }, "Topics": [ { "Name": "t1", "Partitions": 6 } ] }
            """);

        var config = ConfigLoader.Load(Request());

        Assert.Equal(new Setting("b1:9092", "appsettings.json"), config.Client(ClientKind.Admin)["bootstrap.servers"]);
        Assert.Equal("20", config.Client(ClientKind.Producer)["linger.ms"].Value);
        Assert.False(config.Client(ClientKind.Consumer).ContainsKey("linger.ms"));
        Assert.Equal("false", config.Client(ClientKind.Consumer)["enable.auto.commit"].Value);
        Assert.Equal("g1", config.ConsumerConfig().GroupId);
        Assert.Equal(7, config.Demo.Count);
        Assert.Equal([new TopicDeclaration("t1", 6)], config.Topics);
    }

    [Fact]
    public void Appsettings_next_to_the_executable_is_the_fallback()
    {
        using var exeDir = new TempDirectory();
        exeDir.Write("appsettings.json", """{ "Demo": { "Topic": "from-exe-dir" } }""");

        var config = ConfigLoader.Load(new ConfigRequest { CurrentDirectory = _dir.Path, BaseDirectory = exeDir.Path });

        Assert.Equal("from-exe-dir", config.Demo.Topic);
    }

    [Fact]
    public void Config_json_flag_replaces_appsettings()
    {
        _dir.Write("appsettings.json", """{ "Demo": { "Topic": "ignored" } }""");
        string other = _dir.Write("other.json", """{ "Demo": { "Topic": "chosen" } }""");

        var config = ConfigLoader.Load(Request(other));

        Assert.Equal("chosen", config.Demo.Topic);
        Assert.Equal(other, config.ConfigFile);
    }

    [Fact]
    public void Properties_file_beats_appsettings_and_applies_to_every_client()
    {
        _dir.Write("appsettings.json", """{ "Kafka": { "Common": { "bootstrap.servers": "json:9092" }, "Consumer": { "session.timeout.ms": 7000 } } }""");
        string props = _dir.Write("client.properties", """
            # Confluent getting-started style
            bootstrap.servers=props:9092
            session.timeout.ms: 45000
            security.protocol PLAINTEXT
            schema.registry.url=http://sr:8081
            """);

        var config = ConfigLoader.Load(Request(props));

        Assert.Equal(new Setting("props:9092", "client.properties"), config.Client(ClientKind.Producer)["bootstrap.servers"]);
        // A higher layer wins even over a client's own section in a lower layer.
        Assert.Equal("45000", config.Client(ClientKind.Consumer)["session.timeout.ms"].Value);
        Assert.Equal("PLAINTEXT", config.Client(ClientKind.Admin)["security.protocol"].Value);
        Assert.Contains(config.Notes, n => n.Contains("schema.registry.url"));
    }

    [Fact]
    public void Flags_beat_every_other_source()
    {
        string props = _dir.Write("client.properties", "bootstrap.servers=props:9092\nlinger.ms=50\n");
        var request = Request(props) with
        {
            BootstrapServers = "flag:9092",
            Properties = ["linger.ms=1", "acks=1"],
            Flags = [new FlagSetting(ConfigSections.Consumer, "group.id", "from-flag", "--group"), new FlagSetting(ConfigSections.Demo, "Topic", "flag-topic", "--topic")],
        };

        var config = ConfigLoader.Load(request);

        Assert.Equal(new Setting("flag:9092", "flag --bootstrap-servers"), config.Client(ClientKind.Consumer)["bootstrap.servers"]);
        Assert.Equal(new Setting("1", "flag -X"), config.Client(ClientKind.Producer)["linger.ms"]);
        Assert.Equal("1", config.ProducerConfig().Get("acks"));
        Assert.Equal(new Setting("from-flag", "flag --group"), config.Client(ClientKind.Consumer)["group.id"]);
        Assert.Equal("flag-topic", config.Demo.Topic);
    }

    [Fact]
    public void Confluent_dotnet_properties_reach_only_their_own_kind_of_client()
    {
        var config = ConfigLoader.Load(Request() with { Properties = ["dotnet.producer.delivery.report.fields=status", "dotnet.consumer.enable.partition.eof=true"] });

        Assert.Equal("status", config.Client(ClientKind.Producer)["dotnet.producer.delivery.report.fields"].Value);
        Assert.False(config.Client(ClientKind.Producer).ContainsKey("dotnet.consumer.enable.partition.eof"));
        Assert.True(config.Client(ClientKind.Consumer).ContainsKey("dotnet.consumer.enable.partition.eof"));
        Assert.DoesNotContain(config.Client(ClientKind.Admin).Keys, k => k.StartsWith("dotnet.", StringComparison.Ordinal));
    }

    [Fact]
    public void Malformed_json_names_the_file_line_and_position()
    {
        string file = _dir.Write("broken.json", "{\n  \"Kafka\": {\n    \"Common\": { \"bootstrap.servers\": \"x\" \n  }\n");

        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(Request(file)));

        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("broken.json", e.Message);
        Assert.Matches(@"line \d+, position \d+", e.Message);
    }

    [Fact]
    public void Unknown_client_property_names_the_property_source_and_section()
    {
        _dir.Write("appsettings.json", """{ "Kafka": { "Consumer": { "sesion.timeout.ms": 6000 } } }""");

        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(Request()));

        Assert.Contains("'sesion.timeout.ms'", e.Message);
        Assert.Contains("appsettings.json", e.Message);
        Assert.Contains("consumer", e.Message);
    }

    [Fact]
    public void Non_numeric_value_for_a_numeric_property_is_refused_with_the_value()
    {
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(Request() with { Properties = ["linger.ms=soon"] }));

        Assert.Contains("'soon'", e.Message);
        Assert.Contains("linger.ms", e.Message);
        Assert.Contains("flag -X", e.Message);
    }

    [Fact]
    public void Unknown_section_is_refused()
    {
        _dir.Write("appsettings.json", """{ "Kafka": { "Consumers": { "group.id": "g" } } }""");

        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(Request()));

        Assert.Contains("Kafka:Consumers", e.Message);
    }

    [Fact]
    public void Minus_X_without_equals_is_a_usage_error()
    {
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(Request() with { Properties = ["linger.ms"] }));

        Assert.Contains("-X 'linger.ms'", e.Message);
    }

    [Fact]
    public void Missing_config_file_is_a_usage_error()
    {
        var e = Assert.Throws<UsageException>(() => ConfigLoader.Load(Request("nope.properties")));

        Assert.Contains("nope.properties", e.Message);
    }

    [Fact]
    public void Bad_demo_number_is_reported_with_its_source()
    {
        _dir.Write("appsettings.json", """{ "Demo": { "Count": "ten" } }""");
        var config = ConfigLoader.Load(Request());

        var e = Assert.Throws<UsageException>(() => config.Demo.Count);

        Assert.Contains("'ten'", e.Message);
        Assert.Contains("appsettings.json", e.Message);
    }

    [Fact]
    public void Secrets_are_never_shown()
    {
        Assert.Equal(SecretMask.Masked, SecretMask.Show("sasl.password", "hunter2"));
        Assert.Equal(SecretMask.Masked, SecretMask.Show("ssl.key.password", "x"));
        Assert.Equal(SecretMask.Masked, SecretMask.Show("ssl.keystore.password", "x"));
        Assert.Equal(SecretMask.Masked, SecretMask.Show("sasl.oauthbearer.client.secret", "x"));
        Assert.Equal("PLAIN", SecretMask.Show("sasl.mechanism", "PLAIN"));
        Assert.Equal("user", SecretMask.Show("sasl.username", "user"));
    }

    public void Dispose() => _dir.Dispose();
}
