namespace KafkaDemos.Core;

/// <summary>An error the user can fix; its message names the offending value. Exits with its code, no stack trace.</summary>
public class DemoException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>A bad flag, value or configuration file (exit 2).</summary>
public sealed class UsageException(string message, Exception? inner = null) : DemoException(message, ExitCodes.Usage, inner);

/// <summary>No broker answered (exit 3).</summary>
public sealed class BrokerUnreachableException(string message, Exception? inner = null)
    : DemoException(message, ExitCodes.BrokerUnreachable, inner);
