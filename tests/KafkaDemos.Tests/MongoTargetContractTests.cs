using KafkaDemos.Sink;
using MongoDB.Bson;
using MongoDB.Driver;

namespace KafkaDemos.Tests;

/// <summary>
/// The `--commit db` contract on the MongoDB target's own logic (what it reads, writes and in which
/// order), against the collections in memory; MongoSinkTests runs it against a real server.
/// </summary>
public sealed class MongoTargetContractTests : SinkTargetContract
{
    private readonly InMemoryMongoStore _store = new();
    private readonly MongoTarget _target;

    public MongoTargetContractTests() =>
        _target = new MongoTarget((MongoAddress)SinkAddress.Parse("mongodb://localhost:27017/testnum"), _store, Topic);

    protected override ISinkTarget Target => _target;

    protected override bool RowOutlivesAFailedPosition => true;

    protected override void RefusePositions(bool refuse) => _store.RefusePositions = refuse;

    protected override void RefuseRows(bool refuse) => _store.RefuseRows = refuse;

    protected override IReadOnlyList<long> RowOffsets() => [.. _store.Rows.Select(r => r["offset"].ToInt64())];

    [Fact]
    public void A_row_is_written_before_its_position_and_the_course_insert_adds_a_row_each_time()
    {
        _target.WriteWithPosition(Row(0, 0), At(0, 0));
        _target.Insert(Row(0, 0));
        _target.Insert(Row(0, 0));

        Assert.Equal(["position?", "row", "position", "insert", "insert"], _store.Calls);
        Assert.Equal([0L, 0L, 0L], RowOffsets());
        Assert.Equal(new Dictionary<int, long> { [0] = 1 }, _target.Positions(Topic));
    }

    public override void Dispose() => _target.Dispose();
}

/// <summary>The rows and positions collections in memory, with the server's answers to the calls the target makes.</summary>
internal sealed class InMemoryMongoStore : IMongoStore
{
    private readonly Dictionary<string, BsonDocument> _positions = [];

    public List<BsonDocument> Rows { get; } = [];

    public List<string> Calls { get; } = [];

    public bool RefusePositions { get; set; }

    public bool RefuseRows { get; set; }

    public void InsertRow(BsonDocument row)
    {
        Calls.Add("insert");
        if (RefuseRows) throw new MongoException("rows refused by the test");
        Rows.Add(row.DeepClone().AsBsonDocument);
    }

    public void ReplaceRow(BsonDocument row)
    {
        Calls.Add("row");
        if (RefuseRows) throw new MongoException("rows refused by the test");
        int at = Rows.FindIndex(r => r.Contains("_id") && r["_id"] == row["_id"]);
        if (at >= 0) Rows[at] = row.DeepClone().AsBsonDocument;
        else Rows.Add(row.DeepClone().AsBsonDocument);
    }

    public long? Position(BsonDocument id)
    {
        Calls.Add("position?");
        return _positions.TryGetValue(id.ToJson(), out var stored) ? stored["next_offset"].ToInt64() : null;
    }

    public void RaisePosition(BsonDocument id, long next)
    {
        Calls.Add("position");
        if (RefusePositions) throw new MongoException("positions refused by the test");
        string key = id.ToJson();
        long stored = _positions.TryGetValue(key, out var old) ? old["next_offset"].ToInt64() : long.MinValue;
        _positions[key] = new BsonDocument { { "_id", id.DeepClone() }, { "next_offset", Math.Max(stored, next) } };
    }

    public IReadOnlyList<BsonDocument> Positions(string target, string topic) =>
        [.. _positions.Values.Where(p => p["_id"]["target"] == target && p["_id"]["topic"] == topic)];

    public void Dispose()
    {
    }
}
