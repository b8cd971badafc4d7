using Confluent.Kafka;

namespace KafkaDemos.Configuration;

/// <summary>
/// The effective configuration of one command: client properties per client kind (common
/// section merged with the kind's own), demo settings and declared topics, each value with
/// its source. Demos get ready client configs from here and read nothing on their own.
/// Each call returns a new config; to derive one, copy with <c>new ConsumerConfig(config.ToDictionary())</c>:
/// Confluent's copy constructor shares the property dictionary, so a change would leak back.
/// </summary>
public sealed class DemoConfiguration
{
    private readonly IReadOnlyDictionary<ClientKind, IReadOnlyDictionary<string, Setting>> _clients;

    public DemoConfiguration(
        IReadOnlyDictionary<ClientKind, IReadOnlyDictionary<string, Setting>> clients,
        DemoSettings demo,
        IReadOnlyList<TopicDeclaration> topics,
        string? configFile,
        IReadOnlyList<string> notes)
    {
        _clients = clients;
        Demo = demo;
        Topics = topics;
        ConfigFile = configFile;
        Notes = notes;
    }

    public DemoSettings Demo { get; }

    /// <summary>Topics declared in the configuration, created by `demo broker` at start.</summary>
    public IReadOnlyList<TopicDeclaration> Topics { get; }

    /// <summary>The JSON file that was read, if any.</summary>
    public string? ConfigFile { get; }

    /// <summary>Things the loader noticed and the user may want to know (ignored variables, ...).</summary>
    public IReadOnlyList<string> Notes { get; }

    public IReadOnlyDictionary<string, Setting> Client(ClientKind kind) => _clients[kind];

    public string BootstrapServers => Client(ClientKind.Admin)["bootstrap.servers"].Value;

    public ProducerConfig ProducerConfig() => new(Values(ClientKind.Producer));

    public ConsumerConfig ConsumerConfig() => new(Values(ClientKind.Consumer));

    public AdminClientConfig AdminConfig() => new(Values(ClientKind.Admin));

    private Dictionary<string, string> Values(ClientKind kind) =>
        _clients[kind].ToDictionary(p => p.Key, p => p.Value.Value);
}
