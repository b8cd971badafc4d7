using Confluent.Kafka;
using KafkaDemos.Consumers;
using KafkaDemos.Core;

namespace KafkaDemos.Tests;

/// <summary>
/// A Kafka client call that fails outright inside a consumer (Close(), a call in a rebalance handler) ends
/// the run with its error and its summary, not with a bare "unexpected" line; and it fails the run.
/// </summary>
public sealed class ConsumerClientFailureTests
{
    private static Task<ConsumeOutcome> RunAsync(Action<ConsumerReport> program, EventLog events) =>
        ConsumerReport.StartAsync("sync", new ConsumerConfig { GroupId = "g", BootstrapServers = "127.0.0.1:1" },
            new ConsumeOptions { Topics = ["t"] }, Reporter.Silent(events), CancellationToken.None, program);

    [Fact]
    public async Task A_failed_client_call_is_reported_counted_in_the_summary_and_fails_the_run()
    {
        var events = new EventLog();

        var outcome = await RunAsync(_ => throw new KafkaException(ErrorCode.Local_State), events);

        Assert.False(outcome.Succeeded);
        Assert.StartsWith("Local_State: ", outcome.ClientError);
        var error = Assert.Single(events.Of<ErrorEvent>());
        Assert.Equal("Local_State", error.Code);
        Assert.Contains("the Kafka client failed", error.Message);
        Assert.Equal(outcome.ClientError, outcome.ToSummary().Extension!["client_error"]);
    }

    /// <summary>The control: the same run whose program returns has no client error and succeeds.</summary>
    [Fact]
    public async Task A_program_that_returns_succeeds_without_a_client_error()
    {
        var events = new EventLog();

        var outcome = await RunAsync(_ => { }, events);

        Assert.True(outcome.Succeeded);
        Assert.Null(outcome.ClientError);
        Assert.Empty(events.Of<ErrorEvent>());
        Assert.False(outcome.ToSummary().Extension!.ContainsKey("client_error"));
    }
}
