using KafkaDemos.Core;

namespace KafkaDemos.Configuration;

/// <summary>
/// One entry of a command's registry: a producer mode, a commit strategy or a sink mode. Its name
/// is the flag's value, its course example and description say what it mirrors, its constraints
/// are the client property values it cannot work with (checked by the configuration loader), and
/// <see cref="Run"/> is the course file's program.
/// </summary>
public sealed record CourseProgram<TRun>(string Name, string CourseExample, string Description, IReadOnlyList<PropertyConstraint> Constraints, TRun Run);

/// <summary>A command's entries by name, in the order help lists them.</summary>
public sealed class CoursePrograms<TRun>(string flag, IReadOnlyList<CourseProgram<TRun>> entries)
{
    public IReadOnlyList<CourseProgram<TRun>> All => entries;

    public IEnumerable<string> Keys => entries.Select(e => e.Name);

    /// <summary>The entry named <paramref name="name"/>; a usage error (exit 2) naming the choices otherwise.</summary>
    public CourseProgram<TRun> Entry(string name) =>
        entries.FirstOrDefault(e => e.Name == name) ?? throw new UsageException($"{flag} '{name}' is not one of {string.Join(", ", Keys)}");

    /// <summary>The program named <paramref name="name"/>, as the command, the tour, the labs and the tests run it.</summary>
    public TRun this[string name] => Entry(name).Run;

    /// <summary>The entries' lines for a command's help: the name, then the description wrapped under itself.</summary>
    public string HelpText(int indent = 2)
    {
        int width = entries.Max(e => e.Name.Length) + 2;
        var lines = new List<string>();
        foreach (var entry in entries)
        {
            string line = new string(' ', indent) + entry.Name.PadRight(width);
            foreach (string word in $"{entry.CourseExample}: {entry.Description}".Split(' '))
            {
                if (line.Length + word.Length + 1 > HelpWidth && line.Trim().Length > entry.Name.Length)
                {
                    lines.Add(line.TrimEnd());
                    line = new string(' ', indent + width);
                }
                line += (line.EndsWith(' ') ? "" : " ") + word;
            }
            lines.Add(line.TrimEnd());
        }
        return string.Join(Environment.NewLine, lines);
    }

    private const int HelpWidth = 104;
}
