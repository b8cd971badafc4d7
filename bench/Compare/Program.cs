// Compares `demo bench` with its peers in one session against one broker, and prints medians and
// ratios as a markdown table for the README. The peers:
//   kcat                      librdkafka's C command-line client (-P, -C)
//   Python confluent-kafka    Confluent's Python client, when Debian's python3-confluent-kafka is
//                             importable by /usr/bin/python3: bench/peers/confluent_python.py, the
//                             course's async and fire-and-forget loops
//   bare Confluent.Kafka      bench/BareClient: the shortest correct .NET loop of each kind, nothing
//                             of the project around it; the reference the demos must match
// kcat and Python are yardsticks, not dependencies: a missing one is skipped with a note.
//
// The machine may be shared and noisy, so every contender runs --rounds times, interleaved
// round-robin (every contender once, then again), so that a slow spell hits all of them rather
// than one; the table shows medians, min and max, and ratios of medians.
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;
using KafkaDemos.Compare;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var parsed = ParsedArguments.Parse(args);
if (parsed.Help)
{
    Console.WriteLine(ComparisonOptions.Usage(new ComparisonOptions()));
    return 0;
}
if (parsed.Error is not null) return Session.UsageError(parsed.Error);

using var stop = new CancellationTokenSource();
int signalExit = 0;
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; signalExit = 130; stop.Cancel(); });
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; signalExit = 143; stop.Cancel(); });

var session = new Session(parsed.Options!, stop.Token);
try
{
    return await session.RunAsync();
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine($"{ComparisonOptions.Name}: interrupted; the broker is stopped");
    return signalExit;
}
catch (SessionFailure e)
{
    Console.Error.WriteLine($"{ComparisonOptions.Name}: {e.Message}");
    return e.ExitCode;
}
catch (Exception e)
{
    Console.Error.WriteLine($"{ComparisonOptions.Name}: {e.Message}");
    return 1;
}
finally
{
    await session.DisposeAsync();
}
