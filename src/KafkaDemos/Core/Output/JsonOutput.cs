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

    private readonly Stream _stream;
    private readonly Utf8JsonWriter _writer;
    private readonly Lock _lock = new();
    private readonly Timer _flusher;
    private readonly StdoutPipe _pipe = new();

    public JsonOutput(Stream stdout)
    {
        _stream = new BufferedStream(stdout, 64 * 1024);
        _writer = new Utf8JsonWriter(_stream, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        // Buffered per-message events still reach a reader (| jq) within 0.1 s when they come slowly.
        _flusher = new Timer(_ => Flush(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    public CancellationToken Closed => _pipe.Token;

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
