namespace KafkaDemos.Configuration;

/// <summary>A setting given by a command-line flag, e.g. `--group g1` -> Consumer group.id.</summary>
public sealed record FlagSetting(string Section, string Key, string Value, string Flag);

/// <summary>What the command line says about configuration; the loader adds files and environment.</summary>
public sealed record ConfigRequest
{
    /// <summary>`--config FILE` values: at most one .json (replaces appsettings.json) and any .properties files.</summary>
    public IReadOnlyList<string> ConfigFiles { get; init; } = [];

    /// <summary>`-b/--bootstrap-servers`.</summary>
    public string? BootstrapServers { get; init; }

    /// <summary>`-X key=value` (kcat style), applied to every client.</summary>
    public IReadOnlyList<string> Properties { get; init; } = [];

    /// <summary>Per-command flags such as --topic and --group.</summary>
    public IReadOnlyList<FlagSetting> Flags { get; init; } = [];

    /// <summary>Property values the chosen producer mode or commit strategy cannot work with (ModeConstraints).</summary>
    public IReadOnlyList<PropertyConstraint> Constraints { get; init; } = [];

    public string CurrentDirectory { get; init; } = Environment.CurrentDirectory;

    public string BaseDirectory { get; init; } = AppContext.BaseDirectory;
}
