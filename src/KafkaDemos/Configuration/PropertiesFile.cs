using System.Text;
using KafkaDemos.Core;

namespace KafkaDemos.Configuration;

/// <summary>
/// Reads a Java-style .properties file, the client.properties format of Kafka's and
/// Confluent's getting-started guides: key=value, key: value or key value; # and ! comments;
/// a trailing backslash continues a line; \t \n \\ \uXXXX escapes.
/// </summary>
public static class PropertiesFile
{
    public static IReadOnlyList<KeyValuePair<string, string>> Read(string path)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Cannot read properties file '{path}': {e.Message}", e);
        }
        return Parse(lines, path);
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Parse(IReadOnlyList<string> lines, string path)
    {
        var result = new List<KeyValuePair<string, string>>();
        for (int i = 0; i < lines.Count; i++)
        {
            int lineNumber = i + 1;
            string line = lines[i].TrimStart();
            if (line.Length == 0 || line[0] is '#' or '!') continue;
            while (EndsWithContinuation(line) && i + 1 < lines.Count)
                line = line[..^1] + lines[++i].TrimStart();
            int split = FindSeparator(line);
            string key = Unescape(split < 0 ? line : line[..split], path, lineNumber).Trim();
            string value = split < 0 ? "" : Unescape(SkipSeparator(line, split), path, lineNumber).Trim();
            if (key.Length == 0)
                throw new UsageException($"{path}:{lineNumber}: a line with a value but no key: '{lines[i]}'");
            result.Add(new(key, value));
        }
        return result;
    }

    private static bool EndsWithContinuation(string line)
    {
        int backslashes = 0;
        for (int j = line.Length - 1; j >= 0 && line[j] == '\\'; j--) backslashes++;
        return backslashes % 2 == 1;
    }

    private static int FindSeparator(string line)
    {
        for (int j = 0; j < line.Length; j++)
        {
            if (line[j] == '\\') { j++; continue; }
            if (line[j] is '=' or ':' or ' ' or '\t') return j;
        }
        return -1;
    }

    private static string SkipSeparator(string line, int split)
    {
        int j = split;
        while (j < line.Length && line[j] is ' ' or '\t') j++;
        if (j < line.Length && line[j] is '=' or ':') j++;
        return line[j..];
    }

    private static string Unescape(string text, string path, int lineNumber)
    {
        if (!text.Contains('\\')) return text;
        var sb = new StringBuilder(text.Length);
        for (int j = 0; j < text.Length; j++)
        {
            char c = text[j];
            if (c != '\\' || j + 1 >= text.Length) { sb.Append(c); continue; }
            char next = text[++j];
            switch (next)
            {
                case 't': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case 'u':
                    if (j + 4 >= text.Length
                        || !ushort.TryParse(text.AsSpan(j + 1, 4), System.Globalization.NumberStyles.HexNumber, null, out ushort code))
                        throw new UsageException($"{path}:{lineNumber}: malformed \\u escape in '{text}'");
                    sb.Append((char)code);
                    j += 4;
                    break;
                default: sb.Append(next); break;
            }
        }
        return sb.ToString();
    }
}
