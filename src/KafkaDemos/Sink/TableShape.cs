using KafkaDemos.Core;
using Microsoft.Data.Sqlite;

namespace KafkaDemos.Sink;

/// <summary>A column the sink expects: its name and SQLite type.</summary>
public sealed record Column(string Name, string Type)
{
    public override string ToString() => $"{Name} {Type}";
}

/// <summary>
/// The shape of a table the sink writes. A table that already exists must have exactly these
/// columns; if it has another shape the sink stops with exit 2 and says what differs, rather
/// than writing rows a reader of that table would not expect.
/// </summary>
public sealed record TableShape(IReadOnlyList<Column> Columns, string? PrimaryKey = null)
{
    /// <summary>The rows: a record's topic, partition, offset, key, and its JSON value (json_extract(value, '$.num')).</summary>
    public static readonly TableShape Rows = new([new("topic", "TEXT"), new("partition", "INTEGER"), new("offset", "INTEGER"), new("key", "TEXT"), new("value", "TEXT")]);

    /// <summary>The consumer's positions: next offset to read per table, topic and partition.</summary>
    public static readonly TableShape Positions = new(
        [new("target", "TEXT"), new("topic", "TEXT"), new("partition", "INTEGER"), new("next_offset", "INTEGER")],
        "target, topic, partition");

    public string CreateSql(string table)
    {
        var columns = Columns.Select(c => $"\"{c.Name}\" {c.Type}{(c.Name is "key" ? "" : " NOT NULL")}");
        string key = PrimaryKey is null ? "" : $", PRIMARY KEY ({PrimaryKey})";
        return $"CREATE TABLE IF NOT EXISTS {Quote(table)} ({string.Join(", ", columns)}{key})";
    }

    /// <summary>Creates <paramref name="table"/> if missing; otherwise checks that its columns are these.</summary>
    public void Ensure(SqliteConnection connection, string table, string where)
    {
        var existing = Read(connection, table);
        if (existing.Count == 0)
        {
            using var create = connection.CreateCommand();
            create.CommandText = CreateSql(table);
            create.ExecuteNonQuery();
            return;
        }
        string? difference = Difference(existing);
        if (difference is not null)
            throw new UsageException(
                $"table {table} in {where} exists with another shape ({string.Join(", ", existing)}): {difference}. " +
                $"The sink writes ({string.Join(", ", Columns)}): name another table with --table, or another file with --to");
    }

    /// <summary>What differs between <paramref name="existing"/> and this shape, or null when nothing does.</summary>
    public string? Difference(IReadOnlyList<Column> existing)
    {
        var found = existing.ToDictionary(c => c.Name, c => c.Type, StringComparer.OrdinalIgnoreCase);
        var wanted = Columns.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var parts = new List<string>();
        var missing = Columns.Where(c => !found.ContainsKey(c.Name)).ToList();
        if (missing.Count > 0) parts.Add($"missing {string.Join(", ", missing)}");
        var retyped = Columns.Where(c => found.TryGetValue(c.Name, out string? t) && !t.Equals(c.Type, StringComparison.OrdinalIgnoreCase)).ToList();
        if (retyped.Count > 0) parts.Add(string.Join(", ", retyped.Select(c => $"{c.Name} is {found[c.Name]}, not {c.Type}")));
        var extra = existing.Where(c => !wanted.Contains(c.Name)).ToList();
        if (extra.Count > 0) parts.Add($"unexpected {string.Join(", ", extra)}");
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static List<Column> Read(SqliteConnection connection, string table)
    {
        using var info = connection.CreateCommand();
        info.CommandText = "SELECT name, type FROM pragma_table_info($table)";
        info.Parameters.AddWithValue("$table", table);
        using var reader = info.ExecuteReader();
        var columns = new List<Column>();
        while (reader.Read()) columns.Add(new Column(reader.GetString(0), reader.GetString(1)));
        return columns;
    }

    /// <summary>A table name as an SQL identifier: topic names may hold '.' and '-'.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
