namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>Whether a Docker engine answered, and what the probe saw (version, or why not).</summary>
public sealed record DockerStatus(bool Available, string Detail);

/// <summary>The broker a test run uses and why; BootstrapServers is known only for an external cluster.</summary>
public sealed record BrokerChoice(BrokerKind Kind, string Reason, string? BootstrapServers = null);

/// <summary>
/// Which broker the integration tests use, decided from the environment alone:
/// KAFKA_BOOTSTRAP_SERVERS set: that cluster; else a reachable Docker engine: an apache/kafka
/// container; else the embedded broker. DEMO_TEST_BROKER=embedded skips the Docker probe (fault
/// injection tests need the embedded broker); DEMO_TEST_BROKER=container fails the run when no
/// engine answers instead of falling back, so a run meant for real Kafka never passes without it.
/// </summary>
public static class BrokerSelection
{
    public const string ExternalVariable = "KAFKA_BOOTSTRAP_SERVERS";

    public const string PreferenceVariable = "DEMO_TEST_BROKER";

    /// <param name="bootstrapServers">The value of KAFKA_BOOTSTRAP_SERVERS.</param>
    /// <param name="preference">The value of DEMO_TEST_BROKER: empty, "embedded" or "container".</param>
    /// <param name="probeDocker">Asks the Docker engine; called only when the answer matters.</param>
    public static async Task<BrokerChoice> ChooseAsync(string? bootstrapServers, string? preference, Func<Task<DockerStatus>> probeDocker)
    {
        if (!string.IsNullOrWhiteSpace(bootstrapServers))
            return new BrokerChoice(BrokerKind.External, $"{ExternalVariable} is set", bootstrapServers.Trim());

        string wanted = preference?.Trim().ToLowerInvariant() ?? "";
        if (wanted == "embedded")
            return new BrokerChoice(BrokerKind.Embedded, $"{PreferenceVariable}=embedded");
        if (wanted is not ("" or "container"))
            throw new InvalidOperationException($"{PreferenceVariable}='{preference}' is not 'embedded' or 'container' (or unset)");

        var docker = await probeDocker();
        if (docker.Available)
            return new BrokerChoice(BrokerKind.Container, $"a Docker engine answered ({docker.Detail})");
        if (wanted == "container")
            throw new InvalidOperationException($"{PreferenceVariable}=container, but no Docker engine answered: {docker.Detail}");
        return new BrokerChoice(BrokerKind.Embedded,
            $"{ExternalVariable} is not set and no Docker engine answered ({docker.Detail})");
    }
}
