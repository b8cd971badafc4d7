namespace KafkaDemos.IntegrationTests.Web;

/// <summary>A reader of a Server-Sent Events stream over HTTP, as a browser's EventSource reads it: one message per "data:" block.</summary>
internal sealed class EventStream : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private EventStream(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        _http = http;
        _response = response;
        _reader = reader;
    }

    public string ContentType => _response.Content.Headers.ContentType?.MediaType ?? "";

    public static async Task<EventStream> OpenAsync(string url)
    {
        var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var response = await http.GetAsync(new Uri(new Uri(url), "events"), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return new EventStream(http, response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>The next message's data, or null when the server ended the stream; throws when none comes within <paramref name="timeout"/>.</summary>
    public async Task<string?> NextAsync(TimeSpan timeout)
    {
        using var bound = new CancellationTokenSource(timeout);
        var data = new List<string>();
        while (true)
        {
            string? line = await _reader.ReadLineAsync(bound.Token);
            if (line is null) return data.Count > 0 ? string.Join("\n", data) : null;
            if (line.Length == 0)
            {
                if (data.Count > 0) return string.Join("\n", data);
                continue;
            }
            if (line.StartsWith("data:", StringComparison.Ordinal)) data.Add(line[5..].TrimStart(' '));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        _http.Dispose();
        await Task.CompletedTask;
    }
}
