namespace KafkaDemos.Core;

/// <summary>Process exit codes, the same for every command (listed in `demo --help`).</summary>
public static class ExitCodes
{
    /// <summary>The demo ran and every check passed.</summary>
    public const int Success = 0;

    /// <summary>
    /// The demo ran but something failed: a delivery, a commit, a check; or stdout's reader went
    /// away before the end (`| head`), so the run stopped early (not 141, the shell's SIGPIPE code).
    /// </summary>
    public const int Failed = 1;

    /// <summary>Usage or configuration error: a bad flag, value or config file.</summary>
    public const int Usage = 2;

    /// <summary>No broker answered at the configured bootstrap servers.</summary>
    public const int BrokerUnreachable = 3;

    /// <summary>The native Kafka client (librdkafka) could not be loaded on this machine.</summary>
    public const int NativeClientMissing = 4;

    public const string HelpText =
        "Exit codes: 0 success, 1 the demo ran but something failed (a delivery, a commit, a check) " +
        "or its stdout was closed before the end (| head: it stops, committing only what it printed), " +
        "2 usage or configuration error, 3 broker unreachable, 4 the native Kafka client (librdkafka) could not be loaded.";
}
