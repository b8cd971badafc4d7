using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Tests;

/// <summary>librdkafka logs a broker failure and reports it to the error callback in the same words: it is said once.</summary>
public sealed class ClientLogTests
{
    private const string Failure = "127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)";

    private static (Reporter Reporter, EventLog Events) Reporting()
    {
        var events = new EventLog();
        return (Reporter.Silent(events), events);
    }

    private static void Log(Reporter reporter, string message) =>
        ClientLog.Handler<object>(reporter)(new object(), new LogMessage("rdkafka#consumer-1", SyslogLevel.Error, "FAIL", message));

    private static void Fail(Reporter reporter, string reason, bool fatal = false) =>
        ClientLog.ErrorHandler<object>(reporter)(new object(), new Error(ErrorCode.Local_Transport, reason, fatal));

    [Fact]
    public void An_error_that_repeats_the_line_just_logged_is_left_out()
    {
        var (reporter, events) = Reporting();

        Log(reporter, "[thrd:127.0.0.1:1/bootstrap]: " + Failure);
        Fail(reporter, Failure);

        Assert.Single(events.Of<WarningEvent>());
        Assert.Empty(events.Of<ErrorEvent>());
    }

    /// <summary>The control: an error in other words, or a fatal one, is reported whatever was logged.</summary>
    [Fact]
    public void Other_and_fatal_errors_are_reported()
    {
        var (reporter, events) = Reporting();

        Log(reporter, "[thrd:main]: " + Failure);
        Fail(reporter, "1/1 brokers are down");
        Fail(reporter, Failure, fatal: true);

        Assert.Equal(2, events.Of<ErrorEvent>().Count);
    }

    /// <summary>The control: what one client logged does not hide another client's error.</summary>
    [Fact]
    public void Each_reporter_remembers_only_its_own_lines()
    {
        var (first, _) = Reporting();
        var (second, events) = Reporting();

        Log(first, Failure);
        Fail(second, Failure);

        Assert.Single(events.Of<ErrorEvent>());
    }
}
