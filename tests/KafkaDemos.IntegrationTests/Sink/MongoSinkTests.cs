using KafkaDemos.IntegrationTests.Infrastructure;
using MongoDB.Bson;
using MongoDB.Driver;
using Testcontainers.MongoDb;

namespace KafkaDemos.IntegrationTests;

/// <summary>
/// `demo sink --to mongodb://...`, the course's database, in a MongoDB container (Testcontainers.MongoDb).
/// Needs a Docker engine; skips with the reason where none answers.
/// </summary>
public sealed class MongoSinkTests(KafkaFixture kafka)
{
    /// <summary>The image docker-compose.yml's mongo service runs.</summary>
    private const string Image = "mongo:7.0";

    [Fact]
    public async Task Killed_mid_run_the_db_mode_leaves_every_number_once_and_the_courses_insert_writes_them_again()
    {
        var docker = await DockerProbe.ProbeAsync();
        if (!docker.Available) Assert.Skip($"needs a Docker engine to run MongoDB ({Image}) through Testcontainers.MongoDb; none answered: {docker.Detail}");
        await using var mongo = new MongoDbBuilder(Image).Build();
        await mongo.StartAsync();
        string to = new MongoUrlBuilder(mongo.GetConnectionString()) { DatabaseName = "sinktest", AuthenticationSource = "admin" }.ToString();
        using var client = new MongoClient(mongo.GetConnectionString());
        var database = client.GetDatabase("sinktest");

        const int count = 60;
        string topic = await kafka.CreateTopicAsync("sink-mongo", 2);
        string group = KafkaFixture.UniqueName("g-mongo");
        string[] args = kafka.DemoArgs(["sink", "--topic", topic, "--group", group, "--to", to, "-o", "json", .. ConsumerKit.FastRebalanceArgs(kafka)]);

        var first = DemoProcess.Start(args);
        await first.WaitForEventAsync(SinkKit.IsAssigned, TimeSpan.FromSeconds(30));
        var producing = SinkKit.ProduceNumbersAsync(kafka, topic, count, partitions: 2, interval: TimeSpan.FromMilliseconds(20));
        await first.WaitForEventAsync(_ => SinkKit.Rows(first.Events) >= count / 3, TimeSpan.FromSeconds(60));
        await first.DisposeAsync(); // SIGKILL
        await producing;
        var second = await DemoProcess.RunAsync([.. args, "--exit-at-end"], TimeSpan.FromSeconds(90));

        Assert.True(second.ExitCode == 0, second.ToString());
        var rows = database.GetCollection<BsonDocument>(topic);
        Assert.Equal(count, await rows.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
        Assert.Equal(count, (await rows.DistinctAsync<int>("value.num", FilterDefinition<BsonDocument>.Empty)).ToList().Count);
        var positions = await database.GetCollection<BsonDocument>("sink_positions").Find(new BsonDocument("_id.topic", topic)).ToListAsync();
        Assert.Equal(count, positions.Sum(p => p["next_offset"].ToInt64()));

        // The negative control: the course's insert_one, in a new group into the same collection, writes every number again.
        var auto = await DemoProcess.RunAsync(kafka.DemoArgs(["sink", "--commit", "auto", "--topic", topic, "--group", group + "-auto", "--to", to,
            "--exit-at-end", "-o", "json", .. ConsumerKit.FastRebalanceArgs(kafka)]), TimeSpan.FromSeconds(90));
        Assert.True(auto.ExitCode == 0, auto.ToString());
        Assert.Equal(2 * count, await rows.CountDocumentsAsync(FilterDefinition<BsonDocument>.Empty));
        Assert.Equal(count, (await rows.DistinctAsync<int>("value.num", FilterDefinition<BsonDocument>.Empty)).ToList().Count);
    }
}
