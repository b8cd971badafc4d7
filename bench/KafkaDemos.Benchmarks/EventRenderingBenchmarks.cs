using BenchmarkDotNet.Attributes;
using KafkaDemos.Cli.Output;

namespace KafkaDemos.Benchmarks;

/// <summary>What one per-message event costs in each output mode (JSON writes every event; text samples).</summary>
[MemoryDiagnoser]
public class EventRenderingBenchmarks
{
    private readonly InfoEvent _event = new("key=3, value=msg_3 -> ak03.fourpartition [2] @ 17");
    private JsonEventSink _json = null!;
    private TextEventSink _text = null!;

    [GlobalSetup]
    public void Setup()
    {
        _json = new JsonEventSink(Stream.Null);
        _text = new TextEventSink(TextWriter.Null, TextWriter.Null);
    }

    [Benchmark]
    public void JsonLine() => _json.Emit(_event);

    [Benchmark]
    public void TextLine() => _text.Emit(_event);
}
