using System.CommandLine;
using System.CommandLine.Parsing;

namespace KafkaDemos.Core;

/// <summary>
/// Topic names as Kafka accepts them (its Topic.validate): 1 to 249 of [a-zA-Z0-9._-], not "." or "..".
/// Checked before any client sees the name: the embedded broker takes an empty name and then fails
/// every group describe with Local_BadMsg until it restarts.
/// </summary>
public static class TopicNames
{
    public const int MaxLength = 249;

    /// <summary>Why Kafka refuses <paramref name="name"/>, or null when it is a legal topic name.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0) return "it is empty";
        if (name is "." or "..") return "'.' and '..' are not allowed";
        if (name.Length > MaxLength) return $"it has {name.Length} characters, at most {MaxLength} are allowed";
        int bad = name.AsSpan().IndexOfAnyExcept(Legal);
        return bad < 0 ? null : $"'{name[bad]}' is not allowed (letters, digits, '.', '_' and '-' only)";
    }

    /// <summary>Throws a usage error naming <paramref name="source"/> and the value unless the name is legal.</summary>
    public static string Require(string name, string source) =>
        Problem(name) is string problem ? throw new UsageException($"{source} '{Shown(name)}' is not a topic name: {problem}") : name;

    /// <summary>Every value given to the option must be a legal topic name (a parse error, exit 2).</summary>
    public static T AcceptsTopicNames<T>(this T option) where T : Option
    {
        option.Validators.Add(result => Validate(result, option.Name));
        return option;
    }

    /// <inheritdoc cref="AcceptsTopicNames{T}(T)"/>
    public static Argument<string> AcceptsTopicName(this Argument<string> argument)
    {
        argument.Validators.Add(result => Validate(result, $"<{argument.Name}>"));
        return argument;
    }

    private static void Validate(SymbolResult result, string name)
    {
        foreach (var token in result.Tokens)
            if (Problem(token.Value) is string problem) result.AddError($"{name} '{Shown(token.Value)}' is not a topic name: {problem}");
    }

    /// <summary>A 300-character name is shortened in the message; its length is said.</summary>
    private static string Shown(string name) => name.Length <= 60 ? name : name[..40] + "...";

    private static readonly System.Buffers.SearchValues<char> Legal =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");
}
