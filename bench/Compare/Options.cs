namespace KafkaDemos.Compare;

/// <summary>What one comparison runs: records per run, rounds, the broker's first port, value size.</summary>
internal sealed record ComparisonOptions(int Count = 1_000_000, int Rounds = 3, int Port = 39500, int Size = 100)
{
    public const string Name = "bench/Compare";

    public static string Usage(ComparisonOptions d) => $"""
        Usage: dotnet run -c Release --project {Name} -- [--count N] [--rounds R] [--port P] [--size BYTES]

        Benchmarks `demo bench` (Release build) against kcat, Python confluent-kafka and a bare
        Confluent.Kafka loop (bench/BareClient) on one embedded broker (`demo broker`, started here in
        another process), running the contenders interleaved in rounds, and prints per-round figures
        and a markdown table with medians, min, max, each demo row's ratios to the bare loop, Python
        and kcat of the same kind, CPU time per record and peak memory. kcat and Python are skipped with
        a note when they are not installed; they are comparison tools, not project dependencies.

        Options:
          --count N       Records per run (default {d.Count})
          --rounds R      Runs of each contender, interleaved (default {d.Rounds})
          --port P        Port of the embedded broker's first listener; it uses P, P+1, P+2 (default {d.Port})
          --size BYTES    Value size of each record (default {d.Size})
          -h, --help      Show this text

        Example:
          dotnet run -c Release --project {Name} -- --count 1000000 --rounds 5

        Exit codes: 0 every run succeeded, 1 a run failed (named at the end) or the build or broker
        failed, 2 usage error, 130 interrupted.
        """;
}

/// <summary>The outcome of reading the command line: options, a request for help, or an error naming the bad value.</summary>
internal sealed record ParsedArguments(ComparisonOptions? Options, bool Help, string? Error)
{
    public static ParsedArguments Parse(IReadOnlyList<string> args)
    {
        var options = new ComparisonOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            switch (name)
            {
                case "-h" or "--help":
                    return new(null, true, null);
                case "--count" or "--rounds" or "--port" or "--size":
                    if (i + 1 >= args.Count) return Fail($"{name} needs a value");
                    string value = args[++i];
                    // The demo takes --count as a 32-bit int; a record must fit librdkafka's default
                    // message.max.bytes (1,000,000) with room to spare; the broker needs P, P+1 and P+2.
                    var (min, max) = name switch
                    {
                        "--count" => (1, int.MaxValue),
                        "--rounds" => (1, 100),
                        "--port" => (1, 65533),
                        _ => (1, 100_000),
                    };
                    if (Number(name, value, min, max) is { } error) return Fail(error);
                    int n = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
                    options = name switch
                    {
                        "--count" => options with { Count = n },
                        "--rounds" => options with { Rounds = n },
                        "--port" => options with { Port = n },
                        _ => options with { Size = n },
                    };
                    break;
                default:
                    return Fail($"unknown argument '{name}'");
            }
        }
        return new(options, false, null);
    }

    /// <summary>Null for a whole number within bounds, else the message naming the option and the value.</summary>
    private static string? Number(string name, string value, int min, int max)
    {
        if (value.Length == 0 || !value.All(char.IsAsciiDigit)) return $"{name} '{value}' is not a whole number";
        string digits = value.TrimStart('0');
        // Compare lengths first so a huge value cannot overflow.
        long n = digits.Length > 10 ? long.MaxValue : digits.Length == 0 ? 0 : long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        return n < min || n > max ? $"{name} {value} must be between {min} and {max}" : null;
    }

    private static ParsedArguments Fail(string error) => new(null, false, error);
}
