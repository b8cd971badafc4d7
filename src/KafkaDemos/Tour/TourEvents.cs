
using KafkaDemos.Core;

namespace KafkaDemos.Tour;

/// <summary>A chapter begins: its place in the tour, and what the course says about the pattern.</summary>
public sealed record ChapterStartedEvent(int Index, int Total, string Chapter, string Course) : DemoEvent("chapter_started")
{
    public override string? ToText() => $"\n── [{Index}/{Total}] {Chapter} ──\nThe course: {Course}";
}

/// <summary>A chapter's figures, for machines (text mode shows them in the final table).</summary>
public sealed record ChapterResultEvent(ChapterOutcome Outcome) : DemoEvent("chapter_result")
{
    public string Chapter => Outcome.Chapter;

    public bool Passed => Outcome.Passed;

    public override string? ToText() => null;
}
