using System.Text;

namespace KafkaDemos.Core;

/// <summary>
/// A record's text line in kcat's format language (<c>-f '%p %o %k %s\n'</c>): %t topic,
/// %p partition, %o offset, %k key, %s value, %h headers (k=v,k2=v2), %T timestamp in epoch ms
/// (-1 when the record has none), %K and %S the key's and value's length in bytes (-1 for null),
/// %% a percent sign, and the escapes \n, \t, \r and \\. A null key or value prints as <c>null</c>;
/// its length (-1) tells it from the text "null". The format is parsed once into segments, so a
/// record costs one pass over them and one string; a format's final \n is the line's own end,
/// since each record is written as a line.
/// </summary>
public sealed class RecordFormat
{
    private enum Field { Literal, Topic, Partition, Offset, Key, Value, Headers, Timestamp, KeyLength, ValueLength }

    private readonly record struct Segment(Field Field, string? Text = null);

    private readonly Segment[] _segments;

    [ThreadStatic]
    private static StringBuilder? _line;

    private RecordFormat(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The format as given.</summary>
    public string Text { get; }

    /// <summary>The tokens, for the help text and the error message.</summary>
    public const string Tokens = "%t topic, %p partition, %o offset, %k key, %s value, %h headers, %T timestamp (ms), %K key length, %S value length, %% percent; \\n \\t \\r \\\\";

    /// <summary>Parses <paramref name="format"/>; a token or escape it does not know is a usage error naming it.</summary>
    public static RecordFormat Parse(string format)
    {
        if (format.Length == 0) throw new UsageException($"--format '' is empty: give the tokens of each line, e.g. '%p %o %k %s\\n' ({Tokens})");
        var segments = new List<Segment>();
        var literal = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c is not ('%' or '\\'))
            {
                literal.Append(c);
                continue;
            }
            if (i + 1 >= format.Length)
                throw new UsageException($"--format '{format}' ends with a lone '{c}': write {(c == '%' ? "%%" : @"\\")} for the character itself ({Tokens})");
            char next = format[++i];
            if (c == '\\')
            {
                literal.Append(next switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '\\' => '\\',
                    _ => throw new UsageException($"--format '{format}': unknown escape '\\{next}' (known: \\n \\t \\r \\\\)"),
                });
                continue;
            }
            if (next == '%')
            {
                literal.Append('%');
                continue;
            }
            var field = next switch
            {
                't' => Field.Topic,
                'p' => Field.Partition,
                'o' => Field.Offset,
                'k' => Field.Key,
                's' => Field.Value,
                'h' => Field.Headers,
                'T' => Field.Timestamp,
                'K' => Field.KeyLength,
                'S' => Field.ValueLength,
                _ => throw new UsageException($"--format '{format}': unknown token '%{next}' (known: {Tokens})"),
            };
            Flush(literal, segments);
            segments.Add(new Segment(field));
        }
        Flush(literal, segments);
        // Every record is written as a line: the format's own final newline is that line's end.
        if (segments is [.., { Field: Field.Literal, Text: { } last }] && last.EndsWith('\n'))
        {
            segments[^1] = new Segment(Field.Literal, last[..^1]);
        }
        return new RecordFormat(format, [.. segments]);
    }

    private static void Flush(StringBuilder literal, List<Segment> segments)
    {
        if (literal.Length == 0) return;
        segments.Add(new Segment(Field.Literal, literal.ToString()));
        literal.Clear();
    }

    /// <summary>The record's line, without its final newline.</summary>
    public string Render(ConsumedEvent record)
    {
        var line = _line ??= new StringBuilder(256);
        line.Clear();
        foreach (var segment in _segments)
        {
            switch (segment.Field)
            {
                case Field.Literal: line.Append(segment.Text); break;
                case Field.Topic: line.Append(record.Topic); break;
                case Field.Partition: line.Append(record.Partition); break;
                case Field.Offset: line.Append(record.Offset); break;
                case Field.Key: line.Append(record.Key ?? "null"); break;
                case Field.Value: line.Append(record.Value ?? "null"); break;
                case Field.Headers: AppendHeaders(line, record.Headers); break;
                case Field.Timestamp: line.Append(record.TimestampMs ?? -1); break;
                case Field.KeyLength: line.Append(ByteLength(record.Key)); break;
                case Field.ValueLength: line.Append(ByteLength(record.Value)); break;
            }
        }
        string text = line.ToString();
        // A builder grown by one huge value is not kept for the rest of the run.
        if (line.Capacity > 64 * 1024) _line = null;
        return text;
    }

    private static int ByteLength(string? text) => text is null ? -1 : Encoding.UTF8.GetByteCount(text);

    /// <summary>kcat's %h: "key=value,key2=value2", a null value as the key alone.</summary>
    private static void AppendHeaders(StringBuilder line, IReadOnlyList<RecordHeader>? headers)
    {
        if (headers is null) return;
        for (int i = 0; i < headers.Count; i++)
        {
            if (i > 0) line.Append(',');
            line.Append(headers[i].Key);
            if (headers[i].Value is { } value) line.Append('=').Append(value);
        }
    }

    public override string ToString() => Text;
}
