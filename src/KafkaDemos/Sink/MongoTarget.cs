using Confluent.Kafka;
using KafkaDemos.Core;
using MongoDB.Bson;
using MongoDB.Driver;

namespace KafkaDemos.Sink;

/// <summary>
/// The course's database, MongoDB, through MongoDB.Driver: a collection named after the topic
/// (<c>my_client.testnum.testnum</c>). MongoDB has no transaction across documents without a
/// replica set, so the `db` mode makes a replay harmless instead: a row's _id is its
/// (topic, partition, offset), a write replaces it, and the position is stored after the row.
/// A crash between the two writes the row once more, over itself.
/// </summary>
public sealed class MongoTarget : ISinkTarget
{
    public const string PositionsCollection = "sink_positions";

    private readonly MongoAddress _address;
    private readonly IMongoStore _store;

    internal MongoTarget(MongoAddress address, IMongoStore store, string collection)
    {
        _address = address;
        _store = store;
        Table = collection;
    }

    public string Table { get; }

    public string Description => $"collection {_address.Database}.{Table} at {_address.Servers}";

    /// <summary>Connects and pings within <paramref name="timeout"/>: no answer is exit 3 with the address, never a hang.</summary>
    public static MongoTarget Open(MongoAddress address, string collection, TimeSpan timeout)
    {
        var settings = MongoClientSettings.FromUrl(address.Url);
        settings.ServerSelectionTimeout = timeout;
        settings.ConnectTimeout = timeout;
        // Every later call is bounded too: a server that stops answering mid-run fails the write.
        settings.SocketTimeout = TimeSpan.FromSeconds(10);
        settings.WaitQueueTimeout = TimeSpan.FromSeconds(10);
        var client = new MongoClient(settings);
        var database = client.GetDatabase(address.Database);
        try
        {
            database.RunCommand<BsonDocument>(new BsonDocument("ping", 1));
        }
        catch (TimeoutException e)
        {
            client.Dispose();
            throw new DemoException(
                $"No MongoDB answered at {address.Servers} within {timeout.TotalSeconds:0.#} s (no server could be selected: is one running there?).\n" +
                "  Start one:  docker compose up -d mongo\n" +
                "  or use the default SQLite target: --to sqlite:numbers.db",
                ExitCodes.BrokerUnreachable, e);
        }
        catch (MongoAuthenticationException e)
        {
            client.Dispose();
            throw new UsageException($"--to {address.Text}: MongoDB at {address.Servers} refused the credentials ({FirstLine(e.Message)})", e);
        }
        return new MongoTarget(address, new MongoDriverStore(client, database, collection), collection);
    }

    public void Insert(SinkRow row) => Write(row, () => _store.InsertRow(Document(row)));

    public PositionedWrite WriteWithPosition(SinkRow? row, TopicPartitionOffset record)
    {
        var id = PositionId(record.TopicPartition);
        long? stored = null;
        Write(row, () => stored = _store.Position(id));
        if (stored > record.Offset.Value) return PositionedWrite.AlreadyStored;
        if (row is not null)
        {
            var document = Document(row);
            document.InsertAt(0, new BsonElement("_id", new BsonDocument { { "topic", row.Topic }, { "partition", row.Partition }, { "offset", row.Offset } }));
            Write(row, () => _store.ReplaceRow(document));
        }
        // $max: a position never moves backwards, even if an older write arrives late.
        Write(row, () => _store.RaisePosition(id, record.Offset.Value + 1));
        return PositionedWrite.Stored;
    }

    public IReadOnlyDictionary<int, long> Positions(string topic) =>
        _store.Positions(Table, topic).ToDictionary(d => d["_id"]["partition"].ToInt32(), d => d["next_offset"].ToInt64());

    private BsonDocument PositionId(TopicPartition partition) =>
        new() { { "target", Table }, { "topic", partition.Topic }, { "partition", partition.Partition.Value } };

    /// <summary>The row as a document; the JSON value becomes a sub-document, so {"value.num": 7} finds it.</summary>
    private static BsonDocument Document(SinkRow row) => new()
    {
        { "topic", row.Topic },
        { "partition", row.Partition },
        { "offset", row.Offset },
        { "key", (BsonValue?)row.Key ?? BsonNull.Value },
        { "value", BsonDocument.Parse($"{{\"v\": {row.Value}}}")["v"] },
    };

    private void Write(SinkRow? row, Action write)
    {
        try
        {
            write();
        }
        catch (Exception e) when (e is MongoException or TimeoutException)
        {
            string what = row is null ? "a position" : $"{row.Topic}-{row.Partition}-{row.Offset}";
            throw new SinkWriteException($"could not write {what} to {Description}: {FirstLine(e.Message)}", e);
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim().TrimEnd('.');

    public void Dispose() => _store.Dispose();
}
