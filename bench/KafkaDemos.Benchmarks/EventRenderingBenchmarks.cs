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
    private JsonOutput _json = null!;
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
}
