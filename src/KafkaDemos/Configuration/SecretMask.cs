namespace KafkaDemos.Configuration;

/// <summary>Decides which values are never printed.</summary>
public static class SecretMask
{
    public const string Masked = "********";

    private static readonly HashSet<string> Exact = new(StringComparer.OrdinalIgnoreCase)
    {
        "sasl.password", "ssl.key.password", "ssl.keystore.password", "ssl.key.pem", "sasl.jaas.config",
        "sasl.oauthbearer.config",
    };

    public static bool IsSecret(string name) =>
        Exact.Contains(name)
        || name.Contains("password", StringComparison.OrdinalIgnoreCase)
        || name.Contains("secret", StringComparison.OrdinalIgnoreCase);

    public static string Show(string name, string value) => IsSecret(name) ? Masked : value;
}
