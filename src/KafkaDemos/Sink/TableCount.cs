using Microsoft.Data.Sqlite;

namespace KafkaDemos.Sink;

/// <summary>
/// The course's question asked of the database itself: did every number arrive, once? Rows,
/// distinct values of <c>$.num</c>, duplicates (rows beyond the distinct ones) and missing numbers
/// (of 0 .. produced-1, those with no row).
/// </summary>
public sealed record TableCount(long Rows, long Distinct, long Duplicates, long Missing)
{
    /// <summary>Every produced number is in the table exactly once.</summary>
    public bool ExactlyOnce(long produced) => Rows == produced && Distinct == produced && Missing == 0;

    /// <summary>Reads <paramref name="table"/> of the SQLite file at <paramref name="path"/>, with its own read-only connection.</summary>
    public static TableCount Read(string path, string table, long produced)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        connection.Open();
        using var count = connection.CreateCommand();
        count.CommandText = $"SELECT count(*), count(DISTINCT json_extract(value, '$.num')) FROM {TableShape.Quote(table)}";
        long rows, distinct;
        using (var reader = count.ExecuteReader())
        {
            reader.Read();
            rows = reader.GetInt64(0);
            distinct = reader.GetInt64(1);
        }
        using var values = connection.CreateCommand();
        values.CommandText = $"SELECT DISTINCT json_extract(value, '$.num') FROM {TableShape.Quote(table)} WHERE json_type(value, '$.num') = 'integer'";
        var present = new HashSet<long>();
        using (var reader = values.ExecuteReader())
        {
            while (reader.Read()) present.Add(reader.GetInt64(0));
        }
        long missing = 0;
        for (long n = 0; n < produced; n++)
            if (!present.Contains(n)) missing++;
        return new TableCount(rows, distinct, rows - distinct, missing);
    }
}
