using Confluent.Kafka;

namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>
/// A single-node Apache Kafka (KRaft) in a Docker container, for the integration tests on a
/// machine with a Docker engine. Built like Testcontainers' Kafka module: clients outside the
/// container must be told the host port Docker mapped, which is known only after the container
/// starts, so the container's command waits for a file holding the advertised listeners, and
/// the broker starts once the file is written. Containers carry the label
/// <see cref="Label"/>; one left behind by a killed test run goes with
/// `docker rm -f $(docker ps -aq --filter label=kafka-demos.tests)`.
/// </summary>
public sealed class KafkaContainer : IAsyncDisposable
{
    /// <summary>The image docker-compose.yml pins too.</summary>
    public const string Image = "apache/kafka:4.3.1";

    public const string Label = "kafka-demos.tests";

    private const string ListenersFile = "/tmp/advertised-listeners";
    private static readonly TimeSpan PullTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    // Three listeners, as in Testcontainers' Kafka module: PLAINTEXT for clients on the host
    // (advertised with the mapped port), BROKER for the broker itself, CONTROLLER for KRaft.
    // The rest suits tests: replication factors of 1, no initial rebalance delay, and 4
    // partitions for auto-created topics, like the embedded broker and docker-compose.yml.
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["CLUSTER_ID"] = "4L6g3nShT-eMCtK--X86sw",
        ["KAFKA_NODE_ID"] = "1",
        ["KAFKA_PROCESS_ROLES"] = "broker,controller",
        ["KAFKA_LISTENERS"] = "PLAINTEXT://0.0.0.0:9092,BROKER://0.0.0.0:9093,CONTROLLER://0.0.0.0:9094",
        ["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"] = "PLAINTEXT:PLAINTEXT,BROKER:PLAINTEXT,CONTROLLER:PLAINTEXT",
        ["KAFKA_INTER_BROKER_LISTENER_NAME"] = "BROKER",
        ["KAFKA_CONTROLLER_LISTENER_NAMES"] = "CONTROLLER",
        ["KAFKA_CONTROLLER_QUORUM_VOTERS"] = "1@localhost:9094",
        ["KAFKA_NUM_PARTITIONS"] = "4",
        ["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] = "1",
        ["KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS"] = "1",
        ["KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"] = "1",
        ["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"] = "1",
        ["KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR"] = "1",
        ["KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR"] = "1",
        ["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] = "0",
    };

    private KafkaContainer(string id) => Id = id;

    public string Id { get; }

    public string BootstrapServers { get; private set; } = "";

    public static async Task<KafkaContainer> StartAsync()
    {
        if ((await DockerCli.RunAsync(["image", "inspect", Image], CommandTimeout)).ExitCode != 0)
            await DockerCli.CheckedAsync(["pull", Image], PullTimeout);

        string host = DockerHost();
        // A local engine publishes on loopback only; a remote one on its own interfaces.
        string publish = host == "127.0.0.1" ? "127.0.0.1::9092" : "9092";
        List<string> run = ["run", "--detach", "--label", Label, "--publish", publish];
        foreach (var (name, value) in Environment) run.AddRange(["--env", $"{name}={value}"]);
        run.AddRange(["--entrypoint", "/bin/bash", Image, "-c",
            $"while [ ! -f {ListenersFile} ]; do sleep 0.1; done; " +
            $"export KAFKA_ADVERTISED_LISTENERS=\"$(cat {ListenersFile})\"; exec /etc/kafka/docker/run"]);
        var container = new KafkaContainer(await DockerCli.CheckedAsync(run, CommandTimeout));
        try
        {
            string mapped = await DockerCli.CheckedAsync(["port", container.Id, "9092/tcp"], CommandTimeout);
            string first = mapped.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];
            container.BootstrapServers = $"{host}:{first[(first.LastIndexOf(':') + 1)..]}";
            // Written to a temporary name and renamed, so the waiting command never reads half a line.
            await DockerCli.CheckedAsync(["exec", container.Id, "/bin/bash", "-c",
                $"printf '%s' \"$1\" > {ListenersFile}.tmp && mv {ListenersFile}.tmp {ListenersFile}", "bash",
                $"PLAINTEXT://{container.BootstrapServers},BROKER://localhost:9093"], CommandTimeout);
            await container.WaitUntilReadyAsync();
            return container;
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls for metadata until the broker answers on the mapped port.</summary>
    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers })
            .SetLogHandler((_, _) => { })
            .Build();
        string last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (admin.GetMetadata(TimeSpan.FromSeconds(2)).Brokers.Count > 0) return;
            }
            catch (KafkaException e)
            {
                last = e.Error.Reason;
            }
            var state = await DockerCli.RunAsync(["inspect", "--format", "{{.State.Running}}", Id], CommandTimeout);
            if (state.Stdout.Trim() != "true")
                throw new InvalidOperationException($"The Kafka container {Id[..12]} stopped while starting:\n{await LogTailAsync()}");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
        throw new TimeoutException($"Kafka in container {Id[..12]} did not answer at {BootstrapServers} within {ReadyTimeout.TotalSeconds:0} s ({last}):\n{await LogTailAsync()}");
    }

    private async Task<string> LogTailAsync()
    {
        var logs = await DockerCli.RunAsync(["logs", "--tail", "40", Id], CommandTimeout);
        return logs.Stdout + logs.Stderr;
    }

    /// <summary>Where published ports are reached: the DOCKER_HOST machine when it is remote, else loopback.</summary>
    private static string DockerHost()
    {
        string? dockerHost = System.Environment.GetEnvironmentVariable("DOCKER_HOST");
        return Uri.TryCreate(dockerHost, UriKind.Absolute, out var uri) && uri.Scheme is "tcp" or "ssh" or "http" or "https"
            ? uri.Host
            : "127.0.0.1";
    }

    public async ValueTask DisposeAsync()
    {
        var removed = await DockerCli.RunAsync(["rm", "--force", "--volumes", Id], CommandTimeout);
        if (removed.ExitCode != 0)
            Console.Error.WriteLine($"Could not remove the Kafka container {Id[..12]}: {removed.FirstErrorLine}");
    }
}
