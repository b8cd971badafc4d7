using KafkaDemos.Sink;
using Microsoft.Data.Sqlite;

namespace KafkaDemos.Tests;

/// <summary>The `--commit db` contract on a SQLite file; refusals are triggers that abort the statement, inside the sink's transaction.</summary>
public sealed class SqliteTargetContractTests : SinkTargetContract
{
    private readonly TempDirectory _dir = new();
    private readonly ISinkTarget _target;

    public SqliteTargetContractTests() => _target = SinkAddress.Parse($"sqlite:{File}").Open(Topic, TimeSpan.FromSeconds(1));

    private string File => Path.Combine(_dir.Path, "numbers.db");

    protected override ISinkTarget Target => _target;

    protected override bool RowOutlivesAFailedPosition => false;

    protected override void RefusePositions(bool refuse) => Refuse(SqliteTarget.PositionsTable, refuse);

    protected override void RefuseRows(bool refuse) => Refuse(Topic, refuse);

    private void Refuse(string table, bool refuse)
    {
        foreach (string verb in new[] { "INSERT", "UPDATE" })
        {
            string trigger = $"refuse_{verb}_{table}".Replace('-', '_');
            Execute(refuse
                ? $"CREATE TRIGGER {trigger} BEFORE {verb} ON \"{table}\" BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                : $"DROP TRIGGER {trigger}");
        }
    }

    protected override IReadOnlyList<long> RowOffsets()
    {
        using var connection = Connect();
        using var read = connection.CreateCommand();
        read.CommandText = $"SELECT \"offset\" FROM \"{Topic}\" ORDER BY rowid";
        using var reader = read.ExecuteReader();
        var offsets = new List<long>();
        while (reader.Read()) offsets.Add(reader.GetInt64(0));
        return offsets;
    }

    private void Execute(string sql)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={File};Pooling=False");
        connection.Open();
        return connection;
    }

    public override void Dispose()
    {
        _target.Dispose();
        _dir.Dispose();
    }
}
