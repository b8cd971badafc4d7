using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests;

/// <summary>How the integration tests choose their broker; needs no broker itself.</summary>
public sealed class BrokerSelectionTests
{
    private static readonly DockerStatus NoEngine = new(false, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock");
    private static readonly DockerStatus Engine = new(true, "Docker 28.2.2");

    private static Func<Task<DockerStatus>> Probe(DockerStatus status) => () => Task.FromResult(status);

    private static Task<DockerStatus> ProbeMustNotRun() => throw new InvalidOperationException("the Docker probe ran although the answer did not matter");

    [Fact]
    public async Task Bootstrap_variable_set_selects_that_cluster_without_asking_Docker()
    {
        var choice = await BrokerSelection.ChooseAsync(" localhost:9092 ", null, ProbeMustNotRun);

        Assert.Equal(BrokerKind.External, choice.Kind);
        Assert.Equal("localhost:9092", choice.BootstrapServers);
        Assert.Contains("KAFKA_BOOTSTRAP_SERVERS", choice.Reason);
    }

    [Fact]
    public async Task Bootstrap_variable_beats_a_preference_for_the_embedded_broker()
    {
        var choice = await BrokerSelection.ChooseAsync("kafka:9092", "embedded", ProbeMustNotRun);

        Assert.Equal(BrokerKind.External, choice.Kind);
    }

    [Fact]
    public async Task No_variable_and_no_Docker_engine_selects_the_embedded_broker_with_the_reason()
    {
        var choice = await BrokerSelection.ChooseAsync(null, null, Probe(NoEngine));

        Assert.Equal(BrokerKind.Embedded, choice.Kind);
        Assert.Null(choice.BootstrapServers);
        Assert.Contains("no Docker engine answered", choice.Reason);
        Assert.Contains(NoEngine.Detail, choice.Reason);
    }

    [Fact]
    public async Task No_variable_and_a_Docker_engine_selects_a_Kafka_container()
    {
        var choice = await BrokerSelection.ChooseAsync("", null, Probe(Engine));

        Assert.Equal(BrokerKind.Container, choice.Kind);
        Assert.Contains("Docker 28.2.2", choice.Reason);
    }

    [Fact]
    public async Task Preference_embedded_skips_the_Docker_probe()
    {
        var choice = await BrokerSelection.ChooseAsync(null, "Embedded", ProbeMustNotRun);

        Assert.Equal(BrokerKind.Embedded, choice.Kind);
        Assert.Contains("DEMO_TEST_BROKER=embedded", choice.Reason);
    }

    [Fact]
    public async Task Preference_container_without_an_engine_fails_instead_of_falling_back()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => BrokerSelection.ChooseAsync(null, "container", Probe(NoEngine)));

        Assert.Contains(NoEngine.Detail, e.Message);
    }

    [Fact]
    public async Task An_unknown_preference_is_named_in_the_error()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => BrokerSelection.ChooseAsync(null, "kraft", Probe(Engine)));

        Assert.Contains("DEMO_TEST_BROKER='kraft'", e.Message);
    }

    [Fact]
    public async Task The_real_Docker_probe_answers_quickly_and_never_throws()
    {
        var started = DateTime.UtcNow;

        var status = await DockerProbe.ProbeAsync();

        Assert.False(string.IsNullOrWhiteSpace(status.Detail));
        Assert.True(DateTime.UtcNow - started < DockerProbe.Timeout + TimeSpan.FromSeconds(5), $"took {DateTime.UtcNow - started}");
    }

    [Fact]
    public void The_test_container_runs_the_image_docker_compose_pins()
    {
        string compose = File.ReadAllText(Path.Combine(RepositoryRoot(), "docker-compose.yml"));

        Assert.Contains($"x-kafka-image: &kafka-image {KafkaContainerBroker.Image}\n", compose.ReplaceLineEndings("\n"));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KafkaDemos.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No KafkaDemos.sln above {AppContext.BaseDirectory}");
    }
}
