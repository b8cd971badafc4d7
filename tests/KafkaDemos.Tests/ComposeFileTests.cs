using System.Text.RegularExpressions;
using KafkaDemos.Configuration;
using KafkaDemos.Sink;

namespace KafkaDemos.Tests;

/// <summary>
/// docker-compose.yml keeps its own copy of the course topics (a shell in the container cannot
/// read appsettings.json comfortably); these tests keep that copy in step with appsettings.json.
/// </summary>
public sealed partial class ComposeFileTests
{
    private static readonly string Root = RepositoryRoot();

    [Fact]
    public void Every_topic_of_appsettings_is_created_by_compose_with_the_same_partitions()
    {
        var declared = ConfigLoader.Load(new ConfigRequest { CurrentDirectory = Root, BaseDirectory = Root }).Topics;
        var composed = ComposeTopics();

        Assert.NotEmpty(declared);
        Assert.Equal(
            declared.Select(t => $"{t.Name}:{t.Partitions}").Order(StringComparer.Ordinal),
            composed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Both_topic_creators_use_the_shared_topic_list()
    {
        string compose = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));

        Assert.Single(TopicsLine().Matches(compose));
        Assert.Equal(2, Regex.Count(compose, @"<<: \*create-topics"));
        Assert.Equal(2, Regex.Count(compose, @"<<: \*topics-env"));
    }

    [Fact]
    public void The_mongo_service_publishes_the_port_of_the_sinks_MongoDB_address_in_every_profile()
    {
        string compose = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        var service = Regex.Match(compose, @"^  mongo:\n(?<body>(?:    .*\n?)+)", RegexOptions.Multiline);

        Assert.True(service.Success, "docker-compose.yml has no `mongo` service");
        string body = service.Groups["body"].Value;
        Assert.Matches(@"image: mongo:\d", body);
        Assert.Contains("\"27017:27017\"", body);
        // No profile: `docker compose up -d` starts it beside the single broker or the cluster.
        Assert.DoesNotContain("profiles:", body);
        var address = SinkAddress.Parse("mongodb://localhost:27017/testnum");
        Assert.Equal("localhost:27017", Assert.IsType<MongoAddress>(address).Servers);
    }

    /// <summary>The NAME:PARTITIONS words of the one `TOPICS:` line in docker-compose.yml.</summary>
    private static string[] ComposeTopics()
    {
        string compose = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        var match = TopicsLine().Match(compose);
        Assert.True(match.Success, "docker-compose.yml has no `TOPICS: name:partitions ...` line");
        return match.Groups["list"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    [GeneratedRegex(@"^\s+TOPICS: (?<list>[^\r\n]+)$", RegexOptions.Multiline)]
    private static partial Regex TopicsLine();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "KafkaDemos.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No KafkaDemos.sln above {AppContext.BaseDirectory}");
    }
}
