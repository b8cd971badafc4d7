using System.Collections;
using System.Text.Json;
using KafkaDemos.Core;
using Microsoft.Extensions.Configuration;

namespace KafkaDemos.Configuration;

/// <summary>
/// The single configuration loader. Layers, lowest to highest: built-in defaults;
/// appsettings.json (current directory, else next to the executable; a .json `--config`
/// replaces it); .properties files given with `--config`; environment variables; flags.
/// Within one layer a client kind's own section beats the common one; a higher layer beats
/// a lower one whatever the section.
/// </summary>
public static class ConfigLoader
{
    public const string AppSettingsFile = "appsettings.json";

    /// <summary>Prefix of the environment scheme for client properties: KAFKA_[PRODUCER_|CONSUMER_|ADMIN_]NAME.</summary>
    public const string KafkaEnvPrefix = "KAFKA_";

    /// <summary>Prefix of the .NET-style scheme for everything in appsettings.json: KAFKADEMOS_Demo__Topic.</summary>
    public const string DemoEnvPrefix = "KAFKADEMOS_";

    /// <summary>Keys of Confluent's client.properties files that belong to other tools; skipped with a note.</summary>
    private static readonly string[] ForeignPropertyPrefixes = ["schema.registry.", "basic.auth.", "key.converter", "value.converter"];

    public static DemoConfiguration Load(ConfigRequest request)
    {
        var notes = new List<string>();
        var layers = new List<IReadOnlyList<ConfigEntry>> { BuiltInDefaults.Entries().ToList() };

        string? jsonPath = FindJsonFile(request);
        IConfiguration? json = null;
        if (jsonPath is not null)
        {
            json = ReadJson(jsonPath);
            layers.Add(SectionEntries(json, Path.GetFileName(jsonPath), jsonPath));
        }

        foreach (var path in request.ConfigFiles.Where(IsProperties))
            layers.Add(PropertiesEntries(path, notes));

        var environment = new ConfigurationBuilder().AddEnvironmentVariables(DemoEnvPrefix).Build();
        layers.Add(SectionEntries(environment, "env " + DemoEnvPrefix + "*", null));
        layers.Add(KafkaEnvironmentEntries(notes));
        layers.Add(FlagEntries(request));

        var clients = new Dictionary<ClientKind, IReadOnlyDictionary<string, Setting>>();
        foreach (var kind in Enum.GetValues<ClientKind>())
        {
            var merged = Merge(layers, ConfigSections.Common, ConfigSections.For(kind));
            DropOtherClientsDotnetProperties(merged, kind);
            Validate(merged, ConfigSections.For(kind));
            ModeConstraints.Check(request.Constraints.Where(c => c.Client == kind), merged);
            clients[kind] = merged;
        }
        var demo = new DemoSettings(Merge(layers, ConfigSections.Demo));
        var topics = ReadTopics(json, environment, jsonPath);
        return new DemoConfiguration(clients, demo, topics, jsonPath, notes);
    }

    private static bool IsProperties(string path) => !path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    private static string? FindJsonFile(ConfigRequest request)
    {
        var explicitJson = request.ConfigFiles.Where(f => !IsProperties(f)).ToList();
        if (explicitJson.Count > 1)
            throw new UsageException($"--config takes at most one .json file; got {string.Join(", ", explicitJson)}");
        foreach (var file in request.ConfigFiles)
        {
            string full = Path.GetFullPath(file, request.CurrentDirectory);
            if (Directory.Exists(full))
                throw new UsageException($"--config '{file}' is a directory, not a file: name the file (for example {Path.Combine(file, AppSettingsFile)})");
            if (!File.Exists(full))
                throw new UsageException($"Config file '{file}' does not exist (looked at {full})");
        }
        if (explicitJson.Count == 1) return Path.GetFullPath(explicitJson[0], request.CurrentDirectory);
        foreach (var dir in new[] { request.CurrentDirectory, request.BaseDirectory })
        {
            string candidate = Path.Combine(dir, AppSettingsFile);
            if (File.Exists(candidate)) return Path.GetFullPath(candidate);
        }
        return null;
    }

    private static IConfiguration ReadJson(string path)
    {
        try
        {
            return new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
        }
        catch (Exception e) when (Find<JsonException>(e) is { } json)
        {
            string where = json.LineNumber is long line ? $"line {line + 1}, position {json.BytePositionInLine + 1}" : "unknown position";
            throw new UsageException($"Malformed JSON in '{path}' at {where}: {FirstSentence(json.Message)}", e);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException)
        {
            throw new UsageException($"Cannot read config file '{path}': {e.Message}", e);
        }
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T match) return match;
        return null;
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>Reads the Kafka:{Common,Producer,Consumer,Admin} and Demo sections of a JSON-shaped configuration.</summary>
    private static List<ConfigEntry> SectionEntries(IConfiguration config, string source, string? path)
    {
        var entries = new List<ConfigEntry>();
        foreach (var section in config.GetSection("Kafka").GetChildren())
        {
            string? name = ConfigSections.Client.FirstOrDefault(c => c.Equals(section.Key, StringComparison.OrdinalIgnoreCase));
            if (name is null)
                throw new UsageException($"Unknown section 'Kafka:{section.Key}' in {path ?? source}; the sections are {string.Join(", ", ConfigSections.Client)}");
            foreach (var property in section.GetChildren())
            {
                if (property.Value is null)
                    throw new UsageException($"Client property '{property.Key}' in section Kafka:{name} of {path ?? source} must be a string, number or boolean, not an object or list");
                entries.Add(new(name, property.Key, NormaliseJsonValue(property.Value), source));
            }
        }
        foreach (var setting in config.GetSection(ConfigSections.Demo).GetChildren())
            if (setting.Value is not null)
                entries.Add(new(ConfigSections.Demo, setting.Key, setting.Value, source));
        return entries;
    }

    /// <summary>JSON true/false arrive as "True"/"False"; librdkafka wants lower case.</summary>
    private static string NormaliseJsonValue(string value) =>
        value is "True" or "False" ? value.ToLowerInvariant() : value;

    private static List<ConfigEntry> PropertiesEntries(string path, List<string> notes)
    {
        string label = Path.GetFileName(path);
        var entries = new List<ConfigEntry>();
        foreach (var (key, value) in PropertiesFile.Read(path))
        {
            if (ForeignPropertyPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal)))
            {
                notes.Add($"{label}: '{key}' is for another tool (schema registry, connect); not used here");
                continue;
            }
            entries.Add(new(ConfigSections.Common, key, value, label));
        }
        return entries;
    }

    /// <summary>
    /// KAFKA_BOOTSTRAP_SERVERS -> bootstrap.servers; KAFKA_CONSUMER_SESSION_TIMEOUT_MS ->
    /// Consumer session.timeout.ms. Variables that name no client property (KAFKA_HOME,
    /// KAFKA_OPTS of a local Kafka install) are skipped and listed in the notes.
    /// </summary>
    private static List<ConfigEntry> KafkaEnvironmentEntries(List<string> notes)
    {
        var entries = new List<ConfigEntry>();
        var variables = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => ((string)e.Key, e.Value as string ?? ""))
            .Where(e => e.Item1.StartsWith(KafkaEnvPrefix, StringComparison.Ordinal))
            .OrderBy(e => e.Item1, StringComparer.Ordinal);
        foreach (var (variable, value) in variables)
        {
            var (section, property) = FromEnvironmentName(variable);
            if (ClientPropertyValidator.IsKnown(property))
                entries.Add(new(section, property, value, "env " + variable));
            else
                notes.Add($"environment variable {variable} names no client property ('{property}'); ignored");
        }
        return entries;
    }

    public static (string Section, string Property) FromEnvironmentName(string variable)
    {
        string rest = variable[KafkaEnvPrefix.Length..];
        string section = ConfigSections.Common;
        foreach (var candidate in new[] { ConfigSections.Producer, ConfigSections.Consumer, ConfigSections.Admin })
        {
            string prefix = candidate.ToUpperInvariant() + "_";
            if (rest.StartsWith(prefix, StringComparison.Ordinal))
            {
                section = candidate;
                rest = rest[prefix.Length..];
                break;
            }
        }
        return (section, rest.ToLowerInvariant().Replace('_', '.'));
    }

    public static string ToEnvironmentName(string section, string property) =>
        KafkaEnvPrefix + (section == ConfigSections.Common ? "" : section.ToUpperInvariant() + "_") +
        property.ToUpperInvariant().Replace('.', '_');

    private static List<ConfigEntry> FlagEntries(ConfigRequest request)
    {
        var entries = new List<ConfigEntry>();
        if (request.BootstrapServers is not null)
            entries.Add(new(ConfigSections.Common, "bootstrap.servers", request.BootstrapServers, "flag --bootstrap-servers"));
        foreach (var pair in request.Properties)
        {
            int eq = pair.IndexOf('=');
            if (eq <= 0)
                throw new UsageException($"-X '{pair}' is not key=value (e.g. -X linger.ms=5)");
            entries.Add(new(ConfigSections.Common, pair[..eq].Trim(), pair[(eq + 1)..], "flag -X"));
        }
        entries.AddRange(request.Flags.Select(f => new ConfigEntry(f.Section, f.Key, f.Value, "flag " + f.Flag)));
        return entries;
    }

    /// <summary>
    /// Later layers override earlier ones. Client properties are kept under one name per property
    /// (<see cref="PropertyAliases"/>), so `-X request.required.acks=1` overrides acks from a file
    /// and meets acks's constraints; the source says which spelling set it.
    /// </summary>
    private static Dictionary<string, Setting> Merge(IEnumerable<IReadOnlyList<ConfigEntry>> layers, params string[] sections)
    {
        var merged = new Dictionary<string, Setting>(StringComparer.Ordinal);
        foreach (var layer in layers)
            foreach (var section in sections)
                foreach (var entry in layer.Where(e => e.Section == section))
                {
                    string name = section == ConfigSections.Demo ? entry.Key : PropertyAliases.Resolve(entry.Key);
                    merged[name] = new Setting(entry.Value, name == entry.Key ? entry.Source : $"{entry.Source}, spelled {entry.Key}");
                }
        return merged;
    }

    /// <summary>
    /// Confluent.Kafka's own properties (dotnet.producer.*, dotnet.consumer.*) are refused by the
    /// other kinds of client; from the common section (or -X) they go only to their own kind.
    /// </summary>
    private static void DropOtherClientsDotnetProperties(Dictionary<string, Setting> properties, ClientKind kind)
    {
        foreach (var name in properties.Keys.ToList())
        {
            bool producerOnly = name.StartsWith("dotnet.producer.", StringComparison.Ordinal);
            bool consumerOnly = name.StartsWith("dotnet.consumer.", StringComparison.Ordinal);
            if ((producerOnly && kind != ClientKind.Producer) || (consumerOnly && kind != ClientKind.Consumer))
                properties.Remove(name);
        }
    }

    private static void Validate(Dictionary<string, Setting> properties, string section)
    {
        foreach (var (name, setting) in properties)
        {
            var (verdict, message) = ClientPropertyValidator.Check(name, setting.Value);
            if (verdict == ClientPropertyValidator.Verdict.Unknown)
                throw new UsageException(
                    $"Unknown client property '{name}' (from {setting.Source}, used by the {section.ToLowerInvariant()} section). " +
                    "Client properties use librdkafka's names, e.g. bootstrap.servers, linger.ms, session.timeout.ms.");
            if (verdict == ClientPropertyValidator.Verdict.Invalid)
                throw new UsageException(
                    $"Invalid value '{SecretMask.Show(name, setting.Value)}' for client property '{name}' (from {setting.Source}): {message}");
            if (name == "bootstrap.servers" && BootstrapAddresses.Problem(setting.Value) is string problem)
                throw new UsageException($"bootstrap.servers '{setting.Value}' (from {setting.Source}) is not a broker list: {problem}. Use {BootstrapAddresses.Form}.");
        }
    }

    private static IReadOnlyList<TopicDeclaration> ReadTopics(IConfiguration? json, IConfiguration environment, string? jsonPath)
    {
        var builder = new ConfigurationBuilder();
        if (json is not null) builder.AddConfiguration(json);
        builder.AddConfiguration(environment);
        var topics = new List<TopicDeclaration>();
        foreach (var item in builder.Build().GetSection("Topics").GetChildren())
        {
            string? name = item["Name"];
            if (string.IsNullOrWhiteSpace(name))
                throw new UsageException($"Topics[{item.Key}] in {jsonPath ?? "the environment"} has no Name");
            int partitions = ParsePositive(item["Partitions"], 4, $"Topics[{item.Key}].Partitions of '{name}'");
            int replication = ParsePositive(item["ReplicationFactor"], 3, $"Topics[{item.Key}].ReplicationFactor of '{name}'");
            TopicNames.Require(name, $"Topics[{item.Key}].Name in {jsonPath ?? "the environment"}");
            topics.Add(new TopicDeclaration(name, partitions, replication));
        }
        return topics;
    }

    private static int ParsePositive(string? text, int fallback, string what)
    {
        if (text is null) return fallback;
        if (!int.TryParse(text, out int value) || value < 1)
            throw new UsageException($"{what} = '{text}' is not a whole number of at least 1");
        return value;
    }
}
