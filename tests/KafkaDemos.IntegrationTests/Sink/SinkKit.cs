using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace KafkaDemos.IntegrationTests;

/// <summary>The course's numbers for the sink tests, and the table read back with plain SQL (not the demo's own counting).</summary>
public static class SinkKit
{
    /// <summary>Produces {"num": n} for n in [from, from+count), n to partition n % partitions; paced by <paramref name="interval"/> when given.</summary>
    /// <remarks>Unpaced, all are sent and then awaited together (one awaited send at a time waits about linger.ms
    /// each); idempotence keeps each partition's order.</remarks>
    public static async Task ProduceNumbersAsync(KafkaFixture kafka, string topic, int count, int partitions, int from = 0, TimeSpan? interval = null)
    {
        var config = kafka.ProducerConfig();
        config.EnableIdempotence = true;
        using var producer = new ProducerBuilder<string, string>(config).Build();
        var sends = new List<Task>(count);
        for (int n = from; n < from + count; n++)
        {
            var send = producer.ProduceAsync(new TopicPartition(topic, n % partitions), new Message<string, string> { Key = $"{n}", Value = $"{{\"num\": {n}}}" });
            // Pacing, like the course's sleep(5) between sends: the sink is mid-stream when it is killed.
            if (interval is TimeSpan pause)
            {
                await send;
                await Task.Delay(pause);
            }
            else sends.Add(send);
        }
        await Task.WhenAll(sends);
    }

    /// <summary>The course's question in SQL: rows, and distinct numbers.</summary>
    public static (long Rows, long Distinct) Count(string file, string table)
    {
        var rows = Query(file, $"SELECT count(*), count(DISTINCT json_extract(value, '$.num')) FROM \"{table}\"");
        return (rows[0][0], rows[0][1]);
    }

    /// <summary>The numbers in the table, one entry per row.</summary>
    public static List<long> Numbers(string file, string table) =>
        Query(file, $"SELECT json_extract(value, '$.num') FROM \"{table}\" ORDER BY 1").Select(r => r[0]).ToList();

    /// <summary>The positions the sink stored: partition -> next offset.</summary>
    public static Dictionary<long, long> Positions(string file, string topic) =>
        Query(file, $"SELECT partition, next_offset FROM sink_positions WHERE topic = '{topic}'").ToDictionary(r => r[0], r => r[1]);

    public static void Execute(string file, string sql)
    {
        using var connection = Open(file);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<long[]> Query(string file, string sql)
    {
        using var connection = Open(file);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<long[]>();
        while (reader.Read()) rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetInt64).ToArray());
        return rows;
    }

    private static SqliteConnection Open(string file)
    {
        var connection = new SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        return connection;
    }

    public static int Rows(IEnumerable<JsonElement> events) => events.Count(e => e.GetProperty("event").GetString() == "row_added");

    public static bool IsAssigned(JsonElement e) =>
        e.GetProperty("event").GetString() == "assigned" && e.GetProperty("partitions").GetArrayLength() > 0;
}
