using BenchmarkDotNet.Attributes;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Benchmarks;

/// <summary>
/// What one per-message event costs in each output mode: both write every event.
/// </summary>
[MemoryDiagnoser]
public class EventRenderingBenchmarks
{
    private readonly InfoEvent _info = new("key=3, value=msg_3 -> ak03.fourpartition [2] @ 17");
    private readonly DeliveredEvent _delivered = new("ak03.fourpartition", 2, 17, "3", "msg_3" + new string('.', 95), 4.2, PersistenceStatus.Persisted);
    private readonly ConsumedEvent _consumed = new("ak03.fourpartition", 2, 17, "3", "msg_3" + new string('.', 95), DateTime.UnixEpoch.AddMilliseconds(1_700_000_000_000))
    {
        TimestampType = ConsumedEvent.Timestamps.CreateTime,
    };
    private readonly ConsumedEvent _formatted;
    private JsonOutput _json = null!;

    public EventRenderingBenchmarks() =>
        _formatted = _consumed with { Format = RecordFormat.Parse(@"%t %p %o %T %k %s\n") };
    private TextOutput _text = null!;

    [GlobalSetup]
    public void Setup()
    {
        _json = new JsonOutput(Stream.Null);
        _text = new TextOutput(TextWriter.Null, TextWriter.Null);
    }

    [Benchmark]
    public void JsonLine() => _json.Emit(_info);

    [Benchmark]
    public void TextLine() => _text.Emit(_info);

    [Benchmark]
    public void JsonDelivered() => _json.Emit(_delivered);

    [Benchmark]
    public string? DeliveredToText() => _delivered.ToText();

    [Benchmark]
    public void TextDelivered() => _text.Emit(_delivered);

    /// <summary>A consumed record's course line: what --format must not make dearer.</summary>
    [Benchmark]
    public string? ConsumedToText() => _consumed.ToText();

    /// <summary>The same record through a --format parsed once: one string per record.</summary>
    [Benchmark]
    public string? ConsumedFormatted() => _formatted.ToText();
}
