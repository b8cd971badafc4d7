using System.Globalization;
using KafkaDemos.Core;

namespace KafkaDemos.Configuration;

/// <summary>
/// A client property value a producer mode or commit strategy cannot work with. The loader checks
/// it on the merged configuration, after librdkafka's aliases are resolved (<see cref="PropertyAliases"/>),
/// so `--acks 2`, `-X acks=2`, `-X request.required.acks=2`, KAFKA_PRODUCER_ACKS=2 and a config file
/// all meet the same refusal, naming where the value came from.
/// </summary>
public sealed record PropertyConstraint(ClientKind Client, string Property, string Subject, Func<string, bool> Test, string Why)
{
    /// <summary>When the constraint holds only alongside another setting (enable.idempotence=true); null: always.</summary>
    public Func<IReadOnlyDictionary<string, Setting>, bool>? When { get; init; }

    public bool Accepts(string value) => Test(value.Trim().ToLowerInvariant());

    public bool AppliesTo(IReadOnlyDictionary<string, Setting> properties) => When?.Invoke(properties) ?? true;
}

/// <summary>The constraints of each producer mode and commit strategy: what the demo sets or relies on.</summary>
public static class ModeConstraints
{
    /// <summary>The most requests in flight per connection for which the broker can keep order by sequence number.</summary>
    public const int IdempotenceMaxInFlight = 5;

    /// <summary>The acks the course teaches and --acks accepts; any other number asks for replicas a course cluster does not promise.</summary>
    private static readonly string[] CourseAcks = ["0", "1", "all", "-1"];

    public static IReadOnlyList<PropertyConstraint> ForProducer(string mode)
    {
        string subject = $"--mode {mode}";
        List<PropertyConstraint> constraints =
        [
            OneOf(ClientKind.Producer, "acks", subject, "acks is 0 (no reply), 1 (the leader) or all / -1 (every in-sync replica)", CourseAcks),
        ];
        if (mode == "idempotent")
        {
            constraints.Add(OneOf(ClientKind.Producer, "enable.idempotence", subject, "the mode is enable.idempotence=true (use --mode async for a producer without it)", "true"));
            constraints.AddRange(Idempotence(subject, "drop --acks / -X acks, or use --mode async"));
        }
        else
        {
            // Any mode may ask for idempotence with -X enable.idempotence=true: librdkafka's own conditions
            // for it then hold too, and are refused here, naming the value, rather than when the client starts.
            constraints.AddRange(Idempotence("enable.idempotence=true", "drop --acks / -X acks, or -X enable.idempotence")
                .Select(c => c with { When = IdempotenceRequested }));
        }
        return constraints;
    }

    /// <summary>librdkafka's conditions for enable.idempotence (CONFIGURATION.md): acks=all, at most 5 in flight, retries.</summary>
    private static IEnumerable<PropertyConstraint> Idempotence(string subject, string remedy) =>
    [
        OneOf(ClientKind.Producer, "acks", subject, $"idempotence needs acks=all ({remedy})", "all", "-1"),
        new(ClientKind.Producer, "max.in.flight", subject, v => IsWhole(v, n => n <= IdempotenceMaxInFlight),
            $"idempotence keeps order by sequence number for at most {IdempotenceMaxInFlight} requests in flight per connection"),
        new(ClientKind.Producer, "message.send.max.retries", subject, v => IsWhole(v, n => n > 0),
            "idempotence retries a failed batch until message.timeout.ms (retries must be at least 1)"),
    ];

    private static bool IdempotenceRequested(IReadOnlyDictionary<string, Setting> properties) =>
        properties.TryGetValue("enable.idempotence", out var setting) && setting.Value.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);

    public static IReadOnlyList<PropertyConstraint> ForCommitStrategy(string strategy)
    {
        string subject = $"--commit {strategy}";
        return strategy switch
        {
            "auto" =>
            [
                OneOf(ClientKind.Consumer, "enable.auto.commit", subject, "this strategy is librdkafka's background commit (enable.auto.commit=true)", "true"),
            ],
            "async" =>
            [
                OneOf(ClientKind.Consumer, "enable.auto.commit", subject, "this strategy commits stored offsets in the background (enable.auto.commit=true)", "true"),
                OneOf(ClientKind.Consumer, "enable.auto.offset.store", subject, "this strategy stores each offset after the record is processed (enable.auto.offset.store=false)", "false"),
            ],
            _ =>
            [
                OneOf(ClientKind.Consumer, "enable.auto.commit", subject, "this strategy commits by itself; a background commit would commit records not yet processed", "false"),
            ],
        };
    }

    public static IReadOnlyList<PropertyConstraint> ForSinkMode(string mode)
    {
        string subject = $"--commit {mode}";
        return mode == "auto"
            ? [OneOf(ClientKind.Consumer, "enable.auto.commit", subject, "this mode is the course's consume.py as written, with enable_auto_commit=True", "true")]
            : [OneOf(ClientKind.Consumer, "enable.auto.commit", subject, "the positions live in the database; a background commit to Kafka would play no part", "false")];
    }

    /// <summary>Refuses (exit 2) the first value <paramref name="properties"/> holds that a constraint does not accept.</summary>
    public static void Check(IEnumerable<PropertyConstraint> constraints, IReadOnlyDictionary<string, Setting> properties)
    {
        foreach (var constraint in constraints.Where(c => c.AppliesTo(properties)))
            if (properties.TryGetValue(constraint.Property, out var setting) && !constraint.Accepts(setting.Value))
                throw new UsageException($"{constraint.Property}={setting.Value} (from {setting.Source}) contradicts {constraint.Subject}: {constraint.Why}");
    }

    /// <summary>The same check for a client configuration built in code (a lab, the benchmark), its aliases resolved.</summary>
    public static void Check(IEnumerable<PropertyConstraint> constraints, IEnumerable<KeyValuePair<string, string>> config, string source)
    {
        var properties = new Dictionary<string, Setting>(StringComparer.Ordinal);
        foreach (var (name, value) in config)
        {
            string canonical = PropertyAliases.Resolve(name);
            properties[canonical] = new Setting(value, canonical == name ? source : $"{source}, spelled {name}");
        }
        Check(constraints, properties);
    }

    private static PropertyConstraint OneOf(ClientKind client, string property, string subject, string why, params string[] allowed) =>
        new(client, property, subject, allowed.Contains, why);

    /// <summary>librdkafka has already checked the value is a number in range; the mode narrows the range.</summary>
    private static bool IsWhole(string value, Func<long, bool> test) =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) && test(n);
}
