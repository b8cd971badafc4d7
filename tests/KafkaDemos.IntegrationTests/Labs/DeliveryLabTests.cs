using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Labs;

/// <summary>`demo lab delivery` with faults from its own embedded broker: what is deterministic about each setting.</summary>
public sealed class DeliveryLabTests
{
    [Fact]
    public async Task Under_faults_the_idempotent_producer_writes_every_number_once_and_acks_all_loses_nothing()
    {
        // --embedded: the lab starts embedded brokers in its own process, whatever broker the suite uses.
        var result = await DemoProcess.RunAsync(
            ["lab", "delivery", "--embedded", "--count", "200", "--fault-rate", "0.03", "--seed", "3", "-o", "json"],
            TimeSpan.FromSeconds(150));

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.OfEvent("lab_row").ToDictionary(r => r.GetProperty("setting").GetString()!);
        Assert.Equal(["acks=0", "acks=1", "acks=all", "acks=all + idempotence"], rows.Keys);
        Assert.True(result.Summary.GetProperty("faults").GetBoolean());
        Assert.True(result.OfEvent("fault_injected").Any(), result.ToString());

        var idempotent = rows["acks=all + idempotence"];
        Assert.Equal(200, idempotent.GetProperty("once").GetInt64());
        Assert.Equal(0, idempotent.GetProperty("duplicates").GetInt64());
        Assert.Equal(0, idempotent.GetProperty("lost").GetInt64());
        Assert.False(idempotent.GetProperty("varies").GetBoolean());

        // Retries until message.timeout.ms: acks=1 and acks=all lose nothing; duplicates depend on timing, only reported.
        foreach (string setting in new[] { "acks=1", "acks=all" })
        {
            Assert.Equal(0, rows[setting].GetProperty("lost").GetInt64());
            Assert.True(rows[setting].GetProperty("duplicates").GetInt64() >= 0);
        }
        // acks=0 never retries, so it never writes a number twice.
        Assert.Equal(0, rows["acks=0"].GetProperty("duplicates").GetInt64());
        foreach (var row in rows.Values)
        {
            Assert.Equal(200, row.GetProperty("sent").GetInt64());
            Assert.True(row.GetProperty("once").GetInt64() + row.GetProperty("lost").GetInt64() <= 200);
        }
    }
}
