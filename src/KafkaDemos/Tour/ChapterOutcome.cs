namespace KafkaDemos.Tour;

/// <summary>One verified statement about a chapter's outcome, e.g. "all 20 messages arrived once".</summary>
public sealed record Check(string What, bool Passed, string Detail = "");

/// <summary>
/// What a chapter did and proved. Counts come from reading back the topic and the group's
/// committed offsets, not from the demo's own bookkeeping; a consumer's reports of what it
/// processed are matched against the log by offset. Null: not applicable to the chapter.
/// </summary>
public sealed record ChapterOutcome(
    string Chapter,
    long Messages,
    long? Delivered,
    long? Consumed,
    long? Duplicates,
    long? Lost,
    string Committed,
    TimeSpan Elapsed,
    IReadOnlyList<Check> Checks)
{
    public bool Passed => Checks.Count > 0 && Checks.All(c => c.Passed);
}
