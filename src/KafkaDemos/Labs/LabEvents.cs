using System.Text.Json.Serialization;
using KafkaDemos.Core;

namespace KafkaDemos.Labs;

/// <summary>A lab moves to its next step: a member joins or leaves, a setting is tried, a strategy crashes.</summary>
public sealed record LabStepEvent(string Lab, int Step, string Title) : DemoEvent("lab_step")
{
    public override string? ToText() => $"\n── {Lab} · step {Step}: {Title} ──";
}

/// <summary>
/// One row of a lab's final table, for machines: the fields are flattened into the JSON line
/// ({"event":"lab_row","lab":"delivery","setting":"acks=all",...}); text mode shows the table instead.
/// </summary>
public sealed record LabRowEvent(string Lab, IReadOnlyList<KeyValuePair<string, object?>> Fields) : FlattenedEvent("lab_row", Fields, isData: true)
{
    public override string? ToText() => null;
}

/// <summary>One check of a tour chapter's or a lab's outcome, printed as it is made.</summary>
public sealed record CheckEvent(string Chapter, string What, bool Passed, string Detail) : DemoEvent("check")
{
    public override string? ToText() => $"  {(Passed ? "✔" : "✘")} {What}{(Detail.Length > 0 ? $" ({Detail})" : "")}";
}
