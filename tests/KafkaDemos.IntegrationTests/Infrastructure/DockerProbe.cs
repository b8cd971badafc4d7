using DotNet.Testcontainers.Configurations;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>
/// Asks Testcontainers whether it found a Docker engine. Its auto-discovery follows the
/// user's setup (DOCKER_HOST, ~/.testcontainers.properties, Docker Desktop, rootless, Podman's
/// socket) and checks that the engine answers, so the container path and this probe agree.
/// </summary>
public static class DockerProbe
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Quick, bounded, and never throws.</summary>
    public static async Task<DockerStatus> ProbeAsync()
    {
        var discovery = Task.Run(() => TestcontainersSettings.OS.DockerEndpointAuthConfig);
        try
        {
            var endpoint = await discovery.WaitAsync(Timeout);
            return endpoint is null
                ? new DockerStatus(false, "Testcontainers found no Docker engine (DOCKER_HOST, the Docker socket and ~/.testcontainers.properties were tried)")
                : new DockerStatus(true, $"Docker engine at {endpoint.Endpoint}");
        }
        catch (TimeoutException)
        {
            return new DockerStatus(false, $"Testcontainers' Docker discovery did not finish within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception e)
        {
            return new DockerStatus(false, $"Testcontainers' Docker discovery failed: {e.GetBaseException().Message}");
        }
    }
}
