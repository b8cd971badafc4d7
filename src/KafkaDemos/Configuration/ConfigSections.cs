namespace KafkaDemos.Configuration;

/// <summary>Section names shared by appsettings.json, the environment scheme and `config show`.</summary>
public static class ConfigSections
{
    public const string Common = "Common";
    public const string Producer = "Producer";
    public const string Consumer = "Consumer";
    public const string Admin = "Admin";

    /// <summary>Settings of the demos themselves (topic, count, preflight timeout), not client properties.</summary>
    public const string Demo = "Demo";

    public static readonly string[] Client = [Common, Producer, Consumer, Admin];

    public static string For(ClientKind kind) => kind switch
    {
        ClientKind.Producer => Producer,
        ClientKind.Consumer => Consumer,
        _ => Admin,
    };
}
