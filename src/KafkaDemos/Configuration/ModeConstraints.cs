namespace KafkaDemos.Configuration;

/// <summary>
/// A client property value a producer mode or commit strategy cannot work with. The loader checks
/// it on the merged configuration, so `--acks 2`, `-X acks=2`, KAFKA_PRODUCER_ACKS=2 and a config
/// file all meet the same refusal, naming where the value came from.
/// </summary>
public sealed record PropertyConstraint(ClientKind Client, string Property, string Subject, IReadOnlySet<string> Allowed, string Why)
{
    public bool Accepts(string value) => Allowed.Contains(value.Trim().ToLowerInvariant());
}

/// <summary>The constraints of each producer mode and commit strategy: what the demo sets or relies on.</summary>
public static class ModeConstraints
{
    /// <summary>The acks the course teaches and --acks accepts; any other number asks for replicas a course cluster does not promise.</summary>
    private static readonly HashSet<string> CourseAcks = ["0", "1", "all", "-1"];

    public static IReadOnlyList<PropertyConstraint> ForProducer(string mode)
    {
        string subject = $"--mode {mode}";
        List<PropertyConstraint> constraints =
        [
            new(ClientKind.Producer, "acks", subject, CourseAcks, "acks is 0 (no reply), 1 (the leader) or all / -1 (every in-sync replica)"),
        ];
        if (mode == "idempotent")
        {
            constraints.Add(new(ClientKind.Producer, "acks", subject, new HashSet<string> { "all", "-1" }, "idempotence needs acks=all (drop --acks / -X acks, or use --mode async)"));
            constraints.Add(new(ClientKind.Producer, "enable.idempotence", subject, new HashSet<string> { "true" }, "the mode is enable.idempotence=true (use --mode async for a producer without it)"));
        }
        return constraints;
    }

    public static IReadOnlyList<PropertyConstraint> ForCommitStrategy(string strategy)
    {
        string subject = $"--commit {strategy}";
        return strategy switch
        {
            "auto" =>
            [
                new(ClientKind.Consumer, "enable.auto.commit", subject, new HashSet<string> { "true" }, "this strategy is librdkafka's background commit (enable.auto.commit=true)"),
            ],
            "async" =>
            [
                new(ClientKind.Consumer, "enable.auto.commit", subject, new HashSet<string> { "true" }, "this strategy commits stored offsets in the background (enable.auto.commit=true)"),
                new(ClientKind.Consumer, "enable.auto.offset.store", subject, new HashSet<string> { "false" }, "this strategy stores each offset after the record is processed (enable.auto.offset.store=false)"),
            ],
            _ =>
            [
                new(ClientKind.Consumer, "enable.auto.commit", subject, new HashSet<string> { "false" }, "this strategy commits by itself; a background commit would commit records not yet processed"),
            ],
        };
    }
}
