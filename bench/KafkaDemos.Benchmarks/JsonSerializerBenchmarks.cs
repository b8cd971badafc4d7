using BenchmarkDotNet.Attributes;
using Confluent.Kafka;
using KafkaDemos.Producers;

namespace KafkaDemos.Benchmarks;

/// <summary>The json mode's value serializer, per record: the bytes sent, and the text its events show.</summary>
[MemoryDiagnoser]
public class JsonSerializerBenchmarks
{
    private readonly JsonValueSerializer<NumRecord> _num = new();
    private readonly JsonValueSerializer<CourseTask> _task = new();
    private readonly NumRecord _numRecord = new(123_456);
    private readonly CourseTask _taskRecord = new(123_456, "XXX", "XXX", "XXX");
    private readonly SerializationContext _context = new(MessageComponentType.Value, "testnum");

    [Benchmark]
    public byte[] NumRecordBytes() => _num.Serialize(_numRecord, _context);

    [Benchmark]
    public byte[] TaskRecordBytes() => _task.Serialize(_taskRecord, _context);

    [Benchmark]
    public string NumRecordText() => JsonValueSerializer<NumRecord>.ToText(_numRecord);
}
