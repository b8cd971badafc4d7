using System.Text.Json.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KafkaDemos.Core;

/// <summary>
/// A table of results (topics, partitions, lag, summaries). Text mode draws it with
/// Spectre.Console; JSON mode writes {"event":"table","title":...,"rows":[{column: value}]}.
/// </summary>
public sealed record TableEvent(string Title, [property: JsonIgnore] IReadOnlyList<string> Columns, [property: JsonIgnore] IReadOnlyList<IReadOnlyList<object?>> Body)
    : DemoEvent("table", isData: true)
{    public IEnumerable<Dictionary<string, object?>> Rows
    {
        get => Body.Select(row => Columns.Select((c, i) => (Key: Key(c), Value: i < row.Count ? row[i] : null))
            .ToDictionary(p => p.Key, p => p.Value));
        // The reader's way back (EventJson): the rows' keys are the columns (in JSON form), their values the body.
        init
        {
            var rows = value.ToList();
            Columns = rows.Count == 0 ? [] : [.. rows[0].Keys];
            Body = [.. rows.Select(r => (IReadOnlyList<object?>)[.. Columns.Select(c => r.GetValueOrDefault(c))])];
        }
    }

    public override string? ToText()
    {
        var table = new Table { Title = new TableTitle(Title), Border = TableBorder.Rounded };
        foreach (var column in Columns) table.AddColumn(new TableColumn(Markup.Escape(column)));
        foreach (var row in Body)
            table.AddRow(row.Select(v => (IRenderable)new Text(Format(v))).ToArray());
        return Render(table);
    }

    /// <summary>Renders any Spectre.Console widget to plain text lines (no colour codes, so pipes stay clean).</summary>
    public static string Render(IRenderable widget)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = Math.Clamp(Console.IsOutputRedirected ? 160 : SafeWindowWidth(), 60, 240);
        console.Write(widget);
        return writer.ToString().TrimEnd();
    }

    private static int SafeWindowWidth()
    {
        try { return Console.WindowWidth; }
        catch (IOException) { return 120; }
    }

    private static string Key(string column) =>
        new string(column.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray()).Trim('_');

    private static string Format(object? value) => value switch
    {
        null => "-",
        double d => d.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
        IEnumerable<int> ints => string.Join(",", ints),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
