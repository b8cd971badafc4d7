using System.Text.Json;
using System.Text.Json.Serialization;

namespace KafkaDemos.Core;

/// <summary>One JSON object per line on stdout, every event, for scripts and tests.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The output lives as long as the process; Flush writes out what it holds.")]
public sealed class JsonOutput : IOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower), new TopicPartitionJsonConverter() },
    };

    /// <summary>How every line is written: non-ASCII text as itself, not \u escapes.</summary>
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Stream _stream;
    private readonly Utf8JsonWriter _writer;
    private readonly Lock _lock = new();
    private readonly Timer _flusher;
    private readonly StdoutPipe _pipe = new();

    public JsonOutput(Stream stdout)
    {
        _stream = new BufferedStream(stdout, 64 * 1024);
        _writer = new Utf8JsonWriter(_stream, WriterOptions);
        // Buffered per-message events still reach a reader (| jq) within 0.1 s when they come slowly.
        _flusher = new Timer(_ => Flush(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    public CancellationToken Closed => _pipe.Token;

    /// <summary>The event as the one JSON object (no newline) this output writes for it: other channels (the group's web page) send the same contract.</summary>
    public static string Line(DemoEvent e)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) JsonSerializer.Serialize(writer, e, e.GetType(), Options);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void Emit(DemoEvent e)
    {
        lock (_lock)
        {
            if (_pipe.IsClosed) return;
            try
            {
                JsonSerializer.Serialize(_writer, e, e.GetType(), Options);
                _writer.Flush();
                _writer.Reset();
                _stream.WriteByte((byte)'\n');
                // Per-message events stay buffered for throughput; everything else is visible at once.
                if (!e.IsPerMessage) _stream.Flush();
            }
            catch (IOException failed)
            {
                _writer.Reset();
                _pipe.Trip(failed);
            }
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            if (_pipe.IsClosed) return;
            try
            {
                _stream.Flush();
            }
            catch (IOException failed)
            {
                _pipe.Trip(failed);
            }
        }
    }
}
