using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace KafkaDemos.Cli;

/// <summary>
/// The lines a parse error prints. System.CommandLine names the .NET type a value failed to
/// convert to (``System.Nullable`1[System.Int32]``); a learner needs the flag and the form it
/// accepts. An unknown command comes first, before "Required command was not provided.".
/// </summary>
public static class ParseErrorText
{
    public static IEnumerable<string> Lines(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        string? unknown = command.Subcommands.Count > 0
            ? parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'))
            : null;
        if (unknown is not null)
            yield return $"'{unknown}' is not a command of '{CommandPath(parse)}'. Commands: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}.";

        foreach (var error in parse.Errors)
        {
            // Both lines say again what the unknown-command line said.
            if (unknown is not null && error.SymbolResult is CommandResult or null) continue;
            yield return Describe(error) ?? error.Message;
        }
    }

    public static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as CommandResult)
            names.Insert(0, result.Command is RootCommand ? "demo" : result.Command.Name);
        return string.Join(' ', names);
    }

    /// <summary>A value that failed to convert, told as the flag, the value and the accepted form; null for other errors.</summary>
    private static string? Describe(ParseError error)
    {
        var (name, type, tokens) = error.SymbolResult switch
        {
            OptionResult o => (o.Option.Name, o.Option.ValueType, o.Tokens),
            ArgumentResult { Parent: OptionResult o } a => (o.Option.Name, o.Option.ValueType, a.Tokens),
            ArgumentResult a => ($"<{a.Argument.Name}>", a.Argument.ValueType, a.Tokens),
            _ => (null, null, null),
        };
        if (name is null || type is null || tokens is null) return null;
        type = Nullable.GetUnderlyingType(type) ?? (type.IsArray ? type.GetElementType()! : type);
        string? expected = Expected(type);
        if (expected is null) return null;
        var bad = tokens.FirstOrDefault(t => !Converts(t.Value, type));
        return bad is null ? null : $"{name} '{bad.Value}' is not {expected}";
    }

    private static string? Expected(Type type) => type switch
    {
        _ when type == typeof(int) => $"a whole number from {int.MinValue} to {int.MaxValue}",
        _ when type == typeof(long) => $"a whole number from {long.MinValue} to {long.MaxValue}",
        _ when type == typeof(short) => $"a whole number from {short.MinValue} to {short.MaxValue}",
        _ when type == typeof(double) => "a number (for example 0.5)",
        _ when type == typeof(bool) => "true or false",
        { IsEnum: true } => "one of: " + string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant())),
        _ => null,
    };

    private static bool Converts(string value, Type type) => type switch
    {
        _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(short) => short.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(double) => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(bool) => bool.TryParse(value, out _),
        { IsEnum: true } => Enum.TryParse(type, value, ignoreCase: true, out _),
        _ => true,
    };
}
