using MongoDB.Bson;
using MongoDB.Driver;

namespace KafkaDemos.Sink;

/// <summary>
/// The MongoDB calls <see cref="MongoTarget"/> makes, and nothing else: the target decides what to
/// write and in which order; this only writes it. The driver's version is <see cref="MongoDriverStore"/>;
/// the tests check the target's positions logic against one in memory.
/// </summary>
internal interface IMongoStore : IDisposable
{
    /// <summary>The course's insert_one into the rows collection.</summary>
    void InsertRow(BsonDocument row);

    /// <summary>Writes <paramref name="row"/> under its _id, over any row already there.</summary>
    void ReplaceRow(BsonDocument row);

    /// <summary>The stored next offset of the position <paramref name="id"/>, or null when none is stored.</summary>
    long? Position(BsonDocument id);

    /// <summary>Stores <paramref name="next"/> as the position <paramref name="id"/> unless a higher one is stored ($max).</summary>
    void RaisePosition(BsonDocument id, long next);

    /// <summary>Every stored position whose _id has this target and topic.</summary>
    IReadOnlyList<BsonDocument> Positions(string target, string topic);
}

/// <summary>The MongoDB driver's collections: rows, and positions (<see cref="MongoTarget.PositionsCollection"/>).</summary>
internal sealed class MongoDriverStore(MongoClient client, IMongoDatabase database, string collection) : IMongoStore
{
    private readonly IMongoCollection<BsonDocument> _rows = database.GetCollection<BsonDocument>(collection);
    private readonly IMongoCollection<BsonDocument> _positions = database.GetCollection<BsonDocument>(MongoTarget.PositionsCollection);

    public void InsertRow(BsonDocument row) => _rows.InsertOne(row);

    public void ReplaceRow(BsonDocument row) =>
        _rows.ReplaceOne(new BsonDocument("_id", row["_id"]), row, new ReplaceOptions { IsUpsert = true });

    public long? Position(BsonDocument id) =>
        _positions.Find(new BsonDocument("_id", id)).FirstOrDefault() is { } stored ? stored["next_offset"].ToInt64() : null;

    public void RaisePosition(BsonDocument id, long next) =>
        _positions.UpdateOne(new BsonDocument("_id", id),
            new BsonDocument("$max", new BsonDocument("next_offset", next)), new UpdateOptions { IsUpsert = true });

    public IReadOnlyList<BsonDocument> Positions(string target, string topic) =>
        _positions.Find(new BsonDocument { { "_id.target", target }, { "_id.topic", topic } }).ToList();

    public void Dispose() => client.Dispose();
}
