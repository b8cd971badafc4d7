using KafkaDemos.Core;
using KafkaDemos.Sink;
using Microsoft.Data.Sqlite;

namespace KafkaDemos.Tests;

/// <summary>The sink's table: created when missing, accepted when it has the sink's columns, refused (exit 2, saying what differs) otherwise.</summary>
public sealed class TableShapeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string File => Path.Combine(_dir.Path, "shape.db");

    [Fact]
    public void A_missing_table_is_created_and_opened_again_without_complaint()
    {
        SinkAddress.Parse($"sqlite:{File}").Open("testnum", TimeSpan.FromSeconds(1)).Dispose();
        using var again = SinkAddress.Parse($"sqlite:{File}").Open("testnum", TimeSpan.FromSeconds(1));

        Assert.Equal("testnum", again.Table);
    }

    [Fact]
    public void A_table_of_another_shape_is_refused_naming_what_differs()
    {
        Execute("CREATE TABLE testnum (num INTEGER, value BLOB)");

        var e = Assert.Throws<UsageException>(() => SinkAddress.Parse($"sqlite:{File}").Open("testnum", TimeSpan.FromSeconds(1)));

        Assert.Contains("table testnum", e.Message);
        Assert.Contains("missing topic TEXT, partition INTEGER, offset INTEGER, key TEXT", e.Message);
        Assert.Contains("value is BLOB, not TEXT", e.Message);
        Assert.Contains("unexpected num INTEGER", e.Message);
    }

    [Fact]
    public void The_same_columns_are_the_same_shape_and_one_column_less_is_not()
    {
        var same = TableShape.Rows.Columns.ToList();
        var fewer = same.Where(c => c.Name != "key").ToList();

        Assert.Null(TableShape.Rows.Difference(same));
        Assert.Equal("missing key TEXT", TableShape.Rows.Difference(fewer));
    }

    [Fact]
    public void A_file_that_is_not_a_database_or_a_directory_is_a_usage_error()
    {
        System.IO.File.WriteAllText(File, "not a database");

        var notDb = Assert.Throws<UsageException>(() => SinkAddress.Parse($"sqlite:{File}").Open("t", TimeSpan.FromSeconds(1)));
        var directory = Assert.Throws<UsageException>(() => SinkAddress.Parse($"sqlite:{_dir.Path}").Open("t", TimeSpan.FromSeconds(1)));
        var noParent = Assert.Throws<UsageException>(() => SinkAddress.Parse($"sqlite:{_dir.Path}/no/such/dir.db").Open("t", TimeSpan.FromSeconds(1)));

        Assert.Contains(File, notDb.Message);
        Assert.Contains("is a directory", directory.Message);
        Assert.Contains("does not exist", noParent.Message);
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={File};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose() => _dir.Dispose();
}
