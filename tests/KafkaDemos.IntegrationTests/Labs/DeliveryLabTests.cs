using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.IntegrationTests.Infrastructure;
using KafkaDemos.Labs.Delivery;

namespace KafkaDemos.IntegrationTests.Labs;

/// <summary>
/// `demo lab delivery` with faults from its own embedded brokers. The exactly-once check is swept over
/// many seeds, and run again with the transaction removed, where it must fail.
/// </summary>
public sealed class DeliveryLabTests
{
    private const int SweepCount = 60;
    private const double SweepRate = 0.08;
    private static readonly int[] Seeds = [.. Enumerable.Range(1, 20)];

    private static async Task<List<(int Seed, DeliveryLab.Row Row)>> SweepAsync(DeliveryLab.Setting setting, bool withoutTransactions)
    {
        using var gate = new SemaphoreSlim(3);
        var runs = Seeds.Select(async seed =>
        {
            await gate.WaitAsync();
            try
            {
                var run = new DeliveryLab.RowPlan(new RecordedEvents(), false, setting, SweepCount, FaultSchedule.Create(SweepCount, SweepRate, seed), withoutTransactions, CancellationToken.None);
                return (seed, await DeliveryLab.RunOnEmbeddedAsync(run, new ProducerConfig(), new ConsumerConfig()));
            }
            finally
            {
                gate.Release();
            }
        });
        return [.. await Task.WhenAll(runs)];
    }

    [Fact]
    public async Task Exactly_once_reads_back_every_number_once_under_every_seed()
    {
        var rows = await SweepAsync(DeliveryLab.ExactlyOnce, withoutTransactions: false);

        foreach (var (seed, row) in rows)
        {
            var check = DeliveryLab.ExactlyOnceCheck(row);
            Assert.True(check.Passed, $"seed {seed}: {check.Detail}");
            Assert.Equal(SweepCount, row.Once);
        }
        Assert.True(rows.Sum(r => r.Row.Faults) > 0, "the sweep met faults");
        Assert.True(rows.Count(r => r.Row.LostAnswersMet > 0) >= 3, "several seeds met a lost answer, the fault that needs deduplication");
    }

    /// <summary>The negative control: the same loop and faults without the transaction; wherever a lost answer was met the check fails.</summary>
    [Fact]
    public async Task Without_the_transaction_the_exactly_once_check_fails_where_a_lost_answer_was_met()
    {
        var rows = await SweepAsync(DeliveryLab.ExactlyOnce, withoutTransactions: true);

        var met = rows.Where(r => r.Row.LostAnswersMet > 0).ToList();
        Assert.True(met.Count >= 3, $"only {met.Count} of {rows.Count} seeds met a lost answer");
        foreach (var (seed, row) in met)
        {
            Assert.False(DeliveryLab.ExactlyOnceCheck(row).Passed, $"seed {seed}: {row.LostAnswersMet} lost answers met, yet no duplicates");
            Assert.True(DeliveryLab.DuplicatesWithoutIdempotenceCheck(row)!.Passed, $"seed {seed}");
        }
    }

    [Fact]
    public async Task Every_row_meets_the_same_faults_and_the_checks_agree_with_the_rows()
    {
        int seed = SeedWithEarlyLostAnswer(100, 0.05);

        var result = await DemoProcess.RunAsync(
            ["lab", "delivery", "--embedded", "--count", "100", "--fault-rate", "0.05", "--seed", seed.ToString(), "-o", "json"],
            TimeSpan.FromSeconds(180));

        var rows = result.OfEvent("lab_row").ToDictionary(r => r.GetProperty("setting").GetString()!);
        Assert.Equal(["acks=0", "acks=1", "acks=all, idempotence off", "acks=all + idempotence", "exactly-once (transactional)"], rows.Keys);
        Assert.False(rows["acks=all + idempotence"].GetProperty("ran").GetBoolean());
        Assert.Contains(result.OfEvent("info"), i => i.GetProperty("message").GetString()!.Contains("shown on real Kafka", StringComparison.Ordinal));

        // One schedule: every row that ran met the same faults after the same delivery reports.
        var schedules = result.OfEvent("fault_injected").GroupBy(f => f.GetProperty("setting").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(f => (f.GetProperty("after").GetInt64(), f.GetProperty("kind").GetString())).ToList());
        Assert.Equal(4, schedules.Count);
        Assert.All(schedules.Values, s => Assert.Equal(schedules["exactly-once (transactional)"], s));

        var exactlyOnce = rows["exactly-once (transactional)"];
        var checks = result.OfEvent("check").ToDictionary(c => c.GetProperty("what").GetString()!, c => c.GetProperty("passed").GetBoolean());
        bool held = exactlyOnce.GetProperty("duplicates").GetInt64() == 0 && exactlyOnce.GetProperty("lost").GetInt64() == 0;
        Assert.Equal(held, checks["exactly-once producer: no duplicates and no loss"]);
        var control = rows["acks=all, idempotence off"];
        if (control.GetProperty("lost_answers_met").GetInt32() > 0)
            Assert.Equal(control.GetProperty("duplicates").GetInt64() > 0, checks["idempotence off: the lost answers wrote duplicates"]);
        Assert.Equal(checks.Values.All(p => p) ? 0 : 1, result.ExitCode);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(0, rows["acks=0"].GetProperty("duplicates").GetInt64());
    }

    /// <summary>The lab's own control, as a learner can run it: without the transaction its ✔ turns into ✘ and the exit code into 1.</summary>
    [Fact]
    public async Task The_lab_run_without_transactions_fails_its_check()
    {
        int seed = SeedWithEarlyLostAnswer(100, 0.05);

        var result = await DemoProcess.RunAsync(
            ["lab", "delivery", "--embedded", "--count", "100", "--fault-rate", "0.05", "--seed", seed.ToString(), "--control-without-transactions", "-o", "json"],
            TimeSpan.FromSeconds(180));

        Assert.True(result.ExitCode == 1, result.ToString());
        var check = result.OfEvent("check").Single(c => c.GetProperty("what").GetString() == "exactly-once producer: no duplicates and no loss");
        Assert.False(check.GetProperty("passed").GetBoolean());
        Assert.True(rowsOf(result)["exactly-once (transactional)"].GetProperty("duplicates").GetInt64() > 0);

        static Dictionary<string, JsonElement> rowsOf(DemoResult r) => r.OfEvent("lab_row").ToDictionary(x => x.GetProperty("setting").GetString()!);
    }

    /// <summary>The first seed whose schedule has a lost answer in the first half of the stream, so every row meets it.</summary>
    private static int SeedWithEarlyLostAnswer(int count, double rate) =>
        Enumerable.Range(1, 1000).First(s => FaultSchedule.Create(count, rate, s).Faults.Any(f => f.Kind == FaultKind.LostAnswer && f.After < count / 2));
}
