using Confluent.Kafka;
using KafkaDemos.Core;
using Microsoft.Data.Sqlite;

namespace KafkaDemos.Sink;

/// <summary>
/// A SQLite file through Microsoft.Data.Sqlite: nothing to install. Rows go to a table named
/// after the topic; the `db` mode keeps the consumer's positions in the table sink_positions of
/// the same file, so a row and the position after it are committed in one transaction.
/// </summary>
public sealed class SqliteTarget : ISinkTarget
{
    public const string PositionsTable = "sink_positions";

    private readonly SqliteConnection _connection;
    private readonly string _file;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _readPosition;
    private readonly SqliteCommand _storePosition;

    private SqliteTarget(SqliteConnection connection, string file, string table)
    {
        _connection = connection;
        _file = file;
        Table = table;
        _insert = Command($"INSERT INTO {TableShape.Quote(table)} (topic, partition, \"offset\", key, value) VALUES ($topic, $partition, $offset, $key, $value)",
            "$topic", "$partition", "$offset", "$key", "$value");
        _readPosition = Command($"SELECT next_offset FROM {PositionsTable} WHERE target = $target AND topic = $topic AND partition = $partition",
            "$target", "$topic", "$partition");
        _storePosition = Command(
            $"INSERT INTO {PositionsTable} (target, topic, partition, next_offset) VALUES ($target, $topic, $partition, $next) " +
            "ON CONFLICT (target, topic, partition) DO UPDATE SET next_offset = excluded.next_offset",
            "$target", "$topic", "$partition", "$next");
    }

    public string Table { get; }

    public string Description => $"table {Table} in {_file}";

    /// <summary>Opens (or creates) <paramref name="path"/> and the tables; a file that cannot be written is exit 2, naming it.</summary>
    public static SqliteTarget Open(string path, string table)
    {
        string file = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(file)) throw new UsageException($"--to sqlite:{path}: {file} is a directory, not a database file");
        string? directory = System.IO.Path.GetDirectoryName(file);
        if (directory is not null && !Directory.Exists(directory))
            throw new UsageException($"--to sqlite:{path}: the directory {directory} does not exist (the sink creates the file, not its directory)");
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            // Another sink writing the same file holds the lock for one short transaction; wait for it, within a bound.
            DefaultTimeout = 10,
        }.ToString());
        try
        {
            connection.Open();
            // WAL: readers (a SELECT in another terminal) never block the writer. synchronous=NORMAL: a
            // killed process loses nothing committed; a power cut may lose the last transactions, but
            // rows and positions together, so the two always agree.
            Execute(connection, "PRAGMA journal_mode = WAL");
            Execute(connection, "PRAGMA synchronous = NORMAL");
            TableShape.Rows.Ensure(connection, table, file);
            TableShape.Positions.Ensure(connection, PositionsTable, file);
            return new SqliteTarget(connection, file, table);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new UsageException($"--to sqlite:{path}: cannot write {file}: {e.Message} (SQLite error {e.SqliteErrorCode})", e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Insert(SinkRow row)
    {
        try
        {
            SetRow(_insert, row);
            _insert.ExecuteNonQuery();
        }
        catch (SqliteException e)
        {
            throw new SinkWriteException($"could not insert {row.Topic}-{row.Partition}-{row.Offset} into {Description}: {e.Message}", e);
        }
    }

    public PositionedWrite WriteWithPosition(SinkRow? row, TopicPartitionOffset record)
    {
        try
        {
            // BEGIN IMMEDIATE: this transaction holds the write lock from its first statement, so
            // the position it reads is the one it replaces.
            using var transaction = _connection.BeginTransaction(deferred: false);
            _readPosition.Transaction = transaction;
            SetKey(_readPosition, record.TopicPartition);
            if (_readPosition.ExecuteScalar() is long stored && stored > record.Offset.Value) return PositionedWrite.AlreadyStored;
            if (row is not null)
            {
                _insert.Transaction = transaction;
                SetRow(_insert, row);
                _insert.ExecuteNonQuery();
            }
            _storePosition.Transaction = transaction;
            SetKey(_storePosition, record.TopicPartition);
            _storePosition.Parameters["$next"].Value = record.Offset.Value + 1;
            _storePosition.ExecuteNonQuery();
            transaction.Commit();
            return PositionedWrite.Stored;
        }
        catch (SqliteException e)
        {
            throw new SinkWriteException($"could not store {record.Topic}-{record.Partition.Value}-{record.Offset.Value} in {Description}: {e.Message}", e);
        }
        finally
        {
            _insert.Transaction = _readPosition.Transaction = _storePosition.Transaction = null;
        }
    }

    public IReadOnlyDictionary<int, long> Positions(string topic)
    {
        using var read = _connection.CreateCommand();
        read.CommandText = $"SELECT partition, next_offset FROM {PositionsTable} WHERE target = $target AND topic = $topic";
        read.Parameters.AddWithValue("$target", Table);
        read.Parameters.AddWithValue("$topic", topic);
        using var reader = read.ExecuteReader();
        var positions = new Dictionary<int, long>();
        while (reader.Read()) positions[reader.GetInt32(0)] = reader.GetInt64(1);
        return positions;
    }

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (string p in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = p });
        return command;
    }

    private static void SetRow(SqliteCommand command, SinkRow row)
    {
        command.Parameters["$topic"].Value = row.Topic;
        command.Parameters["$partition"].Value = row.Partition;
        command.Parameters["$offset"].Value = row.Offset;
        command.Parameters["$key"].Value = (object?)row.Key ?? DBNull.Value;
        command.Parameters["$value"].Value = row.Value;
    }

    private void SetKey(SqliteCommand command, TopicPartition partition)
    {
        command.Parameters["$target"].Value = Table;
        command.Parameters["$topic"].Value = partition.Topic;
        command.Parameters["$partition"].Value = partition.Partition.Value;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _insert.Dispose();
        _readPosition.Dispose();
        _storePosition.Dispose();
        _connection.Dispose();
    }
}
