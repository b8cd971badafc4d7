using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// What to send, independent of the console: `demo produce` builds it from flags; other
/// commands (a tour, a benchmark) build it in code and pass their own event sink.
/// Client properties (acks, linger.ms, message.timeout.ms, ...) live in the ProducerConfig, not here.
/// </summary>
public sealed record ProduceOptions
{
    public required string Topic { get; init; }

    /// <summary>Messages to generate; with <see cref="Input"/>, the most lines to read.</summary>
    public int Count { get; init; } = 10;

    /// <summary>Pause between messages (the course sends one every 3 s to watch consumer groups).</summary>
    public TimeSpan Interval { get; init; }

    public KeySpec Key { get; init; } = KeySpec.Sequential;

    /// <summary>Value template, {n} is the message number; null: the course's "msg_{n}" (or the JSON record in json mode).</summary>
    public string? Value { get; init; }

    /// <summary>Every generated message has a null value: a tombstone, which a compacted topic reads as "delete this key".</summary>
    public bool NullValue { get; init; }

    /// <summary>Pads (or cuts) generated values to this many characters.</summary>
    public int? Size { get; init; }

    /// <summary>Send every message to this partition instead of letting the partitioner choose by key.</summary>
    public int? Partition { get; init; }

    /// <summary>Headers added to every message; {n} in a value is the message number.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Lines to send instead of generated messages (a console producer); ends at end of input.</summary>
    public TextReader? Input { get; init; }

    /// <summary>Splits each input line into key and value; a line without it stops the run (usage error).</summary>
    public string? KeySeparator { get; init; }

    /// <summary>How an input line is read: as the value (text), or as a JSON object with key, value and headers.</summary>
    public InputFormat InputFormat { get; init; } = InputFormat.Text;

    /// <summary>The record json mode sends when no --value or input is given.</summary>
    public JsonRecordKind Record { get; init; } = JsonRecordKind.Num;

    /// <summary>Bound of the final flush: after it, whatever is still queued is reported as not delivered.</summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(11);

    /// <summary>
    /// The flags' rules, in one place: the command checks them before it contacts the broker, and
    /// every run again, since the tour, labs and tests build options in code.
    /// </summary>
    public void Check(string mode)
    {
        if (Size is int size && size < 1) throw new UsageException($"--size {size} must be at least 1");
        if (Partition is int partition && partition < 0) throw new UsageException($"--partition {partition} must be 0 or more");
        bool json = mode == JsonProducer.Name;
        if (json && Size is not null) throw new UsageException("--size pads generated text values; --mode json sends records (use --value '{...}' for your own)");
        if (NullValue && Value is not null) throw new UsageException($"--null-value and --value '{Value}' both give the value; use one");
        if (NullValue && Size is not null) throw new UsageException($"--null-value sends no value; --size {Size} has nothing to pad");
        if (NullValue && Input is not null) throw new UsageException("--null-value and --stdin both give the values; for a null value per line use --input-format json and \"value\": null");
        if (InputFormat == InputFormat.Json && Input is null) throw new UsageException("--input-format json reads --stdin lines; add --stdin");
        if (InputFormat == InputFormat.Json && KeySeparator is not null) throw new UsageException($"--key-separator '{KeySeparator}' splits text lines; a JSON line gives its key in \"key\"");
        MessageSource.Validate(this, valuesAreJson: json);
    }

    public TopicPartition Destination => new(Topic, Partition is int p ? new Partition(p) : Confluent.Kafka.Partition.Any);

    /// <summary>The flush bound for a producer config: message.timeout.ms plus a second, so every message gets its answer, at most 30 s.</summary>
    public static TimeSpan FlushTimeoutFor(ProducerConfig config) =>
        TimeSpan.FromMilliseconds(Math.Clamp((config.MessageTimeoutMs ?? 300_000) + 1000, 1000, 30_000));
}

/// <summary>How keys are chosen: none, the message number (the course's key=str(i)), a fixed key, or a template with {n}.</summary>
public sealed record KeySpec(KeyKind Kind, string? Text = null)
{
    public static readonly KeySpec None = new(KeyKind.None);
    public static readonly KeySpec Sequential = new(KeyKind.Sequential);

    public const string Syntax = "none, sequential, fixed:VALUE, or a template with {n} such as user-{n} or k{n%4}";

    public static KeySpec Parse(string text) => text switch
    {
        "none" => None,
        "sequential" => Sequential,
        _ when text.StartsWith("fixed:", StringComparison.Ordinal) => new(KeyKind.Fixed, text["fixed:".Length..]),
        _ when Template.IsTemplate(text) => new(KeyKind.Template, Template.Check(text, "--key")),
        _ => throw new UsageException($"--key '{text}' is not one of {Syntax}"),
    };

    public string? For(long n) => Kind switch
    {
        KeyKind.None => null,
        KeyKind.Sequential => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
        KeyKind.Fixed => Text,
        _ => Template.Render(Text!, n),
    };
}

public enum KeyKind
{
    None,
    Sequential,
    Fixed,
    Template,
}

/// <summary>How --stdin lines are read.</summary>
public enum InputFormat
{
    /// <summary>The line is the value (or KEY&lt;SEP&gt;VALUE with --key-separator).</summary>
    Text,

    /// <summary>The line is a JSON object: {"key": ..., "value": ..., "headers": {...}}, null allowed for key and value.</summary>
    Json,
}

public enum JsonRecordKind
{
    /// <summary>{"num": n}, the course's Producer_04_Json.</summary>
    Num,

    /// <summary>{"task_id": n, "image_path": ..., ...}, the task record of the course's Python KafkaProducer demo.</summary>
    Task,
}

/// <summary>What a producer run achieved. Delivered is null when the mode does not ask (fire-and-forget).</summary>
public sealed record ProduceResult(
    string Mode,
    long Sent,
    long? Delivered,
    long Failed,
    long NotDelivered,
    TimeSpan Elapsed,
    bool Interrupted,
    string? FatalError)
{
    public bool Succeeded => Failed == 0 && NotDelivered == 0 && FatalError is null;

    public int ExitCode => Succeeded ? ExitCodes.Success : ExitCodes.Failed;
}
