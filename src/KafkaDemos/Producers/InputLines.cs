using System.Text;

namespace KafkaDemos.Producers;

/// <summary>
/// Lines of standard input for --stdin, read as bytes and split at '\n' (a '\r' before it, a
/// CRLF file's line end, goes too). Each line is decoded strictly as UTF-8, so what is sent is
/// byte for byte what was read; a line that is not valid UTF-8 is refused, naming it, instead of
/// being sent with its bad bytes replaced (Console.In would turn them into U+FFFD).
/// </summary>
public sealed class InputLines(Stream input) : TextReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private bool _atEnd;
    private long _lineNumber;

    public override string? ReadLine() => ReadLineAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        using var line = new MemoryStream();
        while (true)
        {
            if (_start == _end)
            {
                if (!_atEnd)
                {
                    _start = 0;
                    _end = await input.ReadAsync(_buffer, cancellationToken);
                    _atEnd = _end == 0;
                }
                if (_atEnd) return line.Length == 0 ? null : Decode(line);
            }
            int newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            int stop = newline < 0 ? _end : newline;
            line.Write(_buffer, _start, stop - _start);
            _start = newline < 0 ? _end : newline + 1;
            if (newline >= 0) return Decode(line);
        }
    }

    private string Decode(MemoryStream line)
    {
        _lineNumber++;
        var bytes = line.GetBuffer().AsSpan(0, (int)line.Length);
        if (bytes.EndsWith("\r"u8)) bytes = bytes[..^1];
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            string bad = string.Concat((e.BytesUnknown ?? []).Select(b => $"0x{b:X2}"));
            throw new InvalidDataException($"input line {_lineNumber} is not valid UTF-8 (byte {bad} at position {e.Index + 1}); --stdin sends lines as UTF-8 text, byte for byte");
        }
    }
}
