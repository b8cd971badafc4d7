using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace KafkaDemos.Cli;

/// <summary>
/// Every duration flag takes the same forms: 500ms, 2s, 1.5s, 1m, or a bare number of seconds
/// (what `--interval 3` has always meant). A value in any other form is a parse error naming the
/// flag and the forms, so `--interval 3s` and `--process-delay 3` mean the same wherever they appear.
/// </summary>
public static class DurationOption
{
    public const string Forms = "500ms, 2s, 1.5s, 1m, or a bare number of seconds";

    public static Option<TimeSpan> Create(string name, string description, TimeSpan defaultValue = default)
    {
        var option = new Option<TimeSpan>(name) { Description = description, HelpName = "DURATION", DefaultValueFactory = _ => defaultValue };
        option.CustomParser = result => Convert(result, name) ?? defaultValue;
        return option;
    }

    /// <summary>A duration flag with no default: null when it is not given.</summary>
    public static Option<TimeSpan?> CreateOptional(string name, string description)
    {
        var option = new Option<TimeSpan?>(name) { Description = description, HelpName = "DURATION" };
        option.CustomParser = result => Convert(result, name);
        return option;
    }

    /// <summary>"500ms", "2s", "1m", "3" (seconds); null when the text is none of these or negative.</summary>
    public static TimeSpan? TryParse(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        (string number, double scale) = t switch
        {
            _ when t.EndsWith("ms", StringComparison.Ordinal) => (t[..^2], 0.001),
            _ when t.EndsWith('s') => (t[..^1], 1.0),
            _ when t.EndsWith('m') => (t[..^1], 60.0),
            _ => (t, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value)) return null;
        double seconds = value * scale;
        return seconds <= TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.FromSeconds(seconds) : null;
    }

    private static TimeSpan? Convert(ArgumentResult result, string name)
    {
        if (result.Tokens.Count == 0) return null;
        string text = result.Tokens[0].Value;
        if (TryParse(text) is TimeSpan duration) return duration;
        result.AddError($"{name} '{text}' is not a duration: use {Forms}");
        return null;
    }
}
