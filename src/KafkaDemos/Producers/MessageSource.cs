using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>One message to send: its number (0, 1, 2, ... like the course's range(0, msgCount)), key, value text (null: a tombstone) and headers.</summary>
public sealed record OutgoingMessage(long Number, string? Key, string? Value, Headers? Headers);

/// <summary>
/// The messages of a run: generated (key and value per <see cref="ProduceOptions"/>) or read
/// line by line from input, paced by the interval. Ends early, without error, on cancellation;
/// a bad input line ends the run with a usage error recorded on the <see cref="ProducerReport"/>.
/// </summary>
public static class MessageSource
{
    public const string DefaultValue = "msg_{n}";

    /// <summary>
    /// The messages of a run. Generated messages without an interval have nothing to wait for, so
    /// they come from a plain enumerator whose every step completes synchronously (the producer
    /// loop runs once per message); input lines, pauses and JSON checks take <see cref="ReadAsync"/>.
    /// </summary>
    public static IAsyncEnumerable<OutgoingMessage> Read(ProduceOptions options, ProducerReport run, bool valuesAreJson, CancellationToken token) =>
        options.Input is null && options.Interval <= TimeSpan.Zero && !valuesAreJson
            ? new Generated(options, token)
            : ReadAsync(options, run, valuesAreJson, token);

    private static async IAsyncEnumerable<OutgoingMessage> ReadAsync(ProduceOptions options, ProducerReport run, bool valuesAreJson, [EnumeratorCancellation] CancellationToken token = default)
    {
        long lineNumber = 0;
        for (long n = 0; n < options.Count; n++)
        {
            if (n > 0 && options.Interval > TimeSpan.Zero && !await PauseAsync(options.Interval, token)) yield break;
            if (token.IsCancellationRequested) yield break;
            OutgoingMessage? message;
            if (options.Input is null)
            {
                message = Generate(options, n);
            }
            else
            {
                string? line = await ReadLineAsync(options.Input, run, token);
                if (line is null) yield break;
                lineNumber++;
                if (line.Length == 0)
                {
                    // An empty line carries no message: it is skipped, and counted in the summary.
                    run.SkipLine();
                    n--;
                    continue;
                }
                message = FromLine(options, n, lineNumber, line, run);
                if (message is null) yield break;
            }
            if (valuesAreJson && (options.Value is not null || options.Input is not null) && message.Value is not null && !IsJson(message.Value))
            {
                run.StopWith(new UsageException(options.Input is null
                    ? $"--value '{message.Value}' is not valid JSON (json mode sends JSON values)"
                    : $"input line {lineNumber} value '{ProducerText.Shorten(message.Value)}' is not valid JSON (json mode sends JSON values)"));
                yield break;
            }
            yield return message;
        }
    }

    /// <summary>Messages 0 to Count - 1 as <see cref="Generate"/> makes them, ending early when the run stops.</summary>
    private sealed class Generated(ProduceOptions options, CancellationToken token) : IAsyncEnumerable<OutgoingMessage>
    {
        public IAsyncEnumerator<OutgoingMessage> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
            new Enumerator(options, token, cancellationToken);

        private sealed class Enumerator(ProduceOptions options, CancellationToken token, CancellationToken cancellationToken) : IAsyncEnumerator<OutgoingMessage>
        {
            private long _next;

            public OutgoingMessage Current { get; private set; } = null!;

            public ValueTask<bool> MoveNextAsync()
            {
                if (_next >= options.Count || token.IsCancellationRequested || cancellationToken.IsCancellationRequested) return new(false);
                Current = Generate(options, _next++);
                return new(true);
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    public static OutgoingMessage Generate(ProduceOptions options, long n) =>
        new(n, options.Key.For(n), options.NullValue ? null : Template.Render(options.Value ?? DefaultValue, n, options.Size), Headers(options, n));

    /// <summary>Checks --value before anything is sent, so a bad one is a usage error (exit 2) at once.</summary>
    public static void Validate(ProduceOptions options, bool valuesAreJson)
    {
        if (options.Value is not null) Template.Check(options.Value, "--value");
        if (valuesAreJson && options.Value is not null && options.Input is null && Generate(options, 0).Value is string first && !IsJson(first))
            throw new UsageException($"--value '{options.Value}' is not valid JSON (json mode sends JSON values, e.g. --value '{{\"num\": {{n}}}}')");
    }

    private static OutgoingMessage? FromLine(ProduceOptions options, long n, long lineNumber, string line, ProducerReport run)
    {
        if (options.InputFormat == InputFormat.Json)
        {
            try
            {
                return JsonInputLine.Parse(line, lineNumber, n, options.Key.For(n), Headers(options, n));
            }
            catch (UsageException e)
            {
                run.StopWith(e);
                return null;
            }
        }
        if (options.KeySeparator is not { } separator) return new(n, options.Key.For(n), line, Headers(options, n));
        int at = line.IndexOf(separator, StringComparison.Ordinal);
        if (at < 0)
        {
            run.StopWith(new UsageException($"input line {lineNumber} '{ProducerText.Shorten(line)}' has no key separator '{separator}' (--key-separator)"));
            return null;
        }
        return new(n, line[..at], line[(at + separator.Length)..], Headers(options, n));
    }

    private static Headers? Headers(ProduceOptions options, long n)
    {
        if (options.Headers.Count == 0) return null;
        var headers = new Headers();
        foreach (var (key, value) in options.Headers) headers.Add(key, System.Text.Encoding.UTF8.GetBytes(Template.Render(value, n)));
        return headers;
    }

    internal static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<bool> PauseAsync(TimeSpan interval, CancellationToken token)
    {
        try
        {
            await Task.Delay(interval, token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<string?> ReadLineAsync(TextReader input, ProducerReport run, CancellationToken token)
    {
        try
        {
            // WaitAsync: a console read does not observe the token, so Ctrl+C abandons it instead.
            return await input.ReadLineAsync(token).AsTask().WaitAsync(token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (InvalidDataException e)
        {
            run.StopWith(new UsageException(e.Message));
            return null;
        }
    }
}

/// <summary>Templates for keys, values and headers: {n} is the message number, {n%K} the number modulo K.</summary>
public static class Template
{
    /// <summary>Longest text one placeholder can become: a long's digits and sign.</summary>
    private const int MaxNumberChars = 20;

    /// <summary>What <see cref="TryPlaceholder"/> reports for a K too large for a long; <see cref="Check"/> refuses it before anything renders.</summary>
    private const long TooLarge = -1;

    public static bool IsTemplate(string text) => Placeholders(text).Any();

    /// <summary>Refuses, as a usage error naming <paramref name="flag"/>, a template that cannot render: {n%0}, or a K too large.</summary>
    public static string Check(string text, string flag)
    {
        foreach (var (placeholder, modulo) in Placeholders(text))
        {
            if (modulo == TooLarge) throw new UsageException($"{flag} '{text}': {placeholder} is too large (K in {{n%K}} is at most {long.MaxValue})");
            if (modulo == 0) throw new UsageException($"{flag} '{text}': {{n%0}} divides by zero (K in {{n%K}} is 1 or more)");
        }
        return text;
    }

    private static IEnumerable<(string Placeholder, long? Modulo)> Placeholders(string text)
    {
        for (int at = text.IndexOf('{'); at >= 0; at = text.IndexOf('{', at + 1))
            if (TryPlaceholder(text.AsSpan(at), out int consumed, out long? modulo))
                yield return (text.Substring(at, consumed), modulo);
    }

    /// <summary>
    /// The template for message <paramref name="n"/>, padded with dots (or cut) to <paramref name="size"/>
    /// characters if given. Runs once per message, so it scans the template by hand into a pooled
    /// buffer and allocates only the resulting string (a regex replace costs several objects each time).
    /// </summary>
    public static string Render(string template, long n, int? size = null)
    {
        int placeholders = template.AsSpan().Count('{');
        if (placeholders == 0 && (size is null || size == template.Length)) return template;
        char[] rented = ArrayPool<char>.Shared.Rent(template.Length + placeholders * MaxNumberChars);
        try
        {
            int length = RenderInto(template, n, rented);
            if (size is not int wanted) return new string(rented, 0, length);
            return string.Create(wanted, (rented, length), static (target, state) =>
            {
                var rendered = state.rented.AsSpan(0, Math.Min(state.length, target.Length));
                rendered.CopyTo(target);
                target[rendered.Length..].Fill('.');
            });
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    /// <summary>Copies the template into <paramref name="buffer"/>, replacing {n} and {n%K}; other braces stay as they are.</summary>
    private static int RenderInto(ReadOnlySpan<char> template, long n, Span<char> buffer)
    {
        int written = 0;
        while (!template.IsEmpty)
        {
            int open = template.IndexOf('{');
            var literal = open < 0 ? template : template[..open];
            literal.CopyTo(buffer[written..]);
            written += literal.Length;
            if (open < 0) break;
            template = template[open..];
            if (TryPlaceholder(template, out int consumed, out long? modulo))
            {
                (modulo is long k ? n % k : n).TryFormat(buffer[written..], out int digits, provider: CultureInfo.InvariantCulture);
                written += digits;
                template = template[consumed..];
            }
            else
            {
                buffer[written++] = '{';
                template = template[1..];
            }
        }
        return written;
    }

    /// <summary>
    /// Matches "{n}" or "{n%K}" (K one or more digits) at the start of <paramref name="text"/>, the one
    /// reading of the syntax that rendering and checking share; a K too large for a long is <see cref="TooLarge"/>.
    /// </summary>
    private static bool TryPlaceholder(ReadOnlySpan<char> text, out int consumed, out long? modulo)
    {
        consumed = 0;
        modulo = null;
        if (text.Length < 3 || text[1] != 'n') return false;
        if (text[2] == '}')
        {
            consumed = 3;
            return true;
        }
        if (text[2] != '%') return false;
        int digits = 0;
        while (3 + digits < text.Length && char.IsAsciiDigit(text[3 + digits])) digits++;
        if (digits == 0 || 3 + digits >= text.Length || text[3 + digits] != '}') return false;
        modulo = long.TryParse(text.Slice(3, digits), NumberStyles.None, CultureInfo.InvariantCulture, out long k) ? k : TooLarge;
        consumed = 4 + digits;
        return true;
    }
}
