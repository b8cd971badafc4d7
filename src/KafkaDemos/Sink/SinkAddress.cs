using KafkaDemos.Core;
using MongoDB.Driver;

namespace KafkaDemos.Sink;

/// <summary>Where `demo sink --to` writes: `sqlite:PATH` (the default, `sqlite:numbers.db`) or `mongodb://HOST:PORT/DB`.</summary>
public abstract record SinkAddress(string Text)
{
    public const string Default = "sqlite:numbers.db";

    /// <summary>The course's database when the MongoDB address names none: <c>my_client.testnum.testnum</c>.</summary>
    public const string DefaultMongoDatabase = "testnum";

    public const string Syntax = "sqlite:PATH or mongodb://HOST:PORT/DB";

    public static SinkAddress Parse(string? text)
    {
        string to = text?.Trim() ?? "";
        if (to.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            string path = to["sqlite:".Length..];
            if (path.Length == 0) throw new UsageException($"--to '{text}' names no file: write {Syntax}, e.g. --to sqlite:numbers.db");
            return new SqliteAddress(to, path);
        }
        if (to.StartsWith("mongodb://", StringComparison.OrdinalIgnoreCase) || to.StartsWith("mongodb+srv://", StringComparison.OrdinalIgnoreCase))
        {
            MongoUrl url;
            try
            {
                url = new MongoUrl(to);
            }
            catch (Exception e) when (e is MongoConfigurationException or ArgumentException or FormatException)
            {
                throw new UsageException($"--to '{Mask(to)}' is not a MongoDB address ({e.Message.TrimEnd('.')}): write {Syntax}, e.g. --to mongodb://localhost:27017/testnum", e);
            }
            return new MongoAddress(Mask(to), url, string.IsNullOrEmpty(url.DatabaseName) ? DefaultMongoDatabase : url.DatabaseName);
        }
        throw new UsageException($"--to '{Mask(to)}' is neither {Syntax}: e.g. --to sqlite:numbers.db or --to mongodb://localhost:27017/testnum");
    }

    /// <summary>Opens the database and its table (or collection) named <paramref name="table"/>, within <paramref name="timeout"/>.</summary>
    public abstract ISinkTarget Open(string table, TimeSpan timeout);

    /// <summary>Names the database keeps for itself, which --table must not take.</summary>
    protected static void CheckTable(string table, string positions, string reservedPrefix)
    {
        if (string.IsNullOrWhiteSpace(table)) throw new UsageException($"--table '{table}' is empty: name a table");
        if (table.Equals(positions, StringComparison.OrdinalIgnoreCase) || table.StartsWith(reservedPrefix, StringComparison.OrdinalIgnoreCase))
            throw new UsageException($"--table '{table}' is reserved ({positions} holds the positions, {reservedPrefix}* belongs to the database): name another table");
    }

    /// <summary>A MongoDB address may carry a password (mongodb://user:secret@host): it is never printed.</summary>
    private static string Mask(string address)
    {
        int scheme = address.IndexOf("://", StringComparison.Ordinal);
        int at = address.IndexOf('@', StringComparison.Ordinal);
        if (scheme < 0 || at < scheme) return address;
        int colon = address.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? address[..(colon + 1)] + "********" + address[at..] : address;
    }
}

/// <summary>A SQLite database file, created when missing.</summary>
public sealed record SqliteAddress(string Text, string Path) : SinkAddress(Text)
{
    public override ISinkTarget Open(string table, TimeSpan timeout)
    {
        CheckTable(table, SqliteTarget.PositionsTable, "sqlite_");
        return SqliteTarget.Open(Path, table);
    }
}

/// <summary>A MongoDB server and database; <see cref="Text"/> has any password masked.</summary>
public sealed record MongoAddress(string Text, MongoUrl Url, string Database) : SinkAddress(Text)
{
    /// <summary>The servers, for messages: host:port[,host:port].</summary>
    public string Servers => string.Join(",", Url.Servers.Select(s => $"{s.Host}:{s.Port}"));

    public override ISinkTarget Open(string table, TimeSpan timeout)
    {
        CheckTable(table, MongoTarget.PositionsCollection, "system.");
        if (table.Contains('$') || table.Contains('\0')) throw new UsageException($"--table '{table}': a MongoDB collection name cannot hold '$' or a null character");
        return MongoTarget.Open(this, table, timeout);
    }
}
