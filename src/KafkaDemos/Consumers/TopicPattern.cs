using System.CommandLine;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Consumers;

/// <summary>
/// Subscribing by pattern, as librdkafka does: a topic argument that starts with '^' is a regular
/// expression, and the group is given every partition of every topic it matches, including
/// topics created later (at the client's next metadata refresh). The start says which topics match now.
/// </summary>
public static class TopicPattern
{
    private static readonly TimeSpan MatchBound = TimeSpan.FromSeconds(1);

    public static bool Is(string topic) => topic.StartsWith('^');

    /// <summary>Each value of --topic is a legal topic name or a regular expression starting with '^' (a parse error, exit 2).</summary>
    public static Option<string[]> AcceptsTopicNamesOrPatterns(this Option<string[]> option)
    {
        option.Validators.Add(result =>
        {
            foreach (var token in result.Tokens)
            {
                string? problem = Is(token.Value) ? PatternProblem(token.Value) : TopicNames.Problem(token.Value);
                if (problem is not null)
                    result.AddError(Is(token.Value)
                        ? $"{option.Name} '{token.Value}' is not a regular expression: {problem}"
                        : $"{option.Name} '{token.Value}' is not a topic name: {problem} (a pattern starts with '^')");
            }
        });
        return option;
    }

    private static string? PatternProblem(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.None, MatchBound);
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }

    /// <summary>The topics on the broker <paramref name="pattern"/> matches, in name order (internal topics left out, as librdkafka does).</summary>
    public static List<string> Matches(Metadata metadata, string pattern)
    {
        var regex = new Regex(pattern, RegexOptions.None, MatchBound);
        return metadata.Topics
            .Where(t => !t.Topic.StartsWith("__", StringComparison.Ordinal) && t.Partitions.Count > 0 && regex.IsMatch(t.Topic))
            .Select(t => t.Topic)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// One line per pattern: the topics it matches now. A pattern that matches none is waited for,
    /// like a missing topic; with --exit-at-end there would be no end to reach, so it is exit 2.
    /// </summary>
    public static void Announce(Metadata metadata, IEnumerable<string> patterns, bool exitAtEnd, Action<string> info)
    {
        foreach (string pattern in patterns)
        {
            var matched = Matches(metadata, pattern);
            if (matched.Count > 0)
            {
                info($"Pattern '{pattern}' matches {matched.Count} topic(s): {string.Join(", ", matched)} (a topic created later that matches joins at the next metadata refresh).");
                continue;
            }
            if (exitAtEnd) throw new UsageException($"--topic '{pattern}' matches no topic, so --exit-at-end has no end to reach (demo topics list shows the topics)");
            info($"Pattern '{pattern}' matches no topic yet: waiting for one to be created (Ctrl+C stops).");
        }
    }
}
