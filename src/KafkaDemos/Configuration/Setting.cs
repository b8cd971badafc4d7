namespace KafkaDemos.Configuration;

/// <summary>A configuration value and where it came from ("default", "appsettings.json", "env KAFKA_ACKS", "flag -X").</summary>
public sealed record Setting(string Value, string Source);
