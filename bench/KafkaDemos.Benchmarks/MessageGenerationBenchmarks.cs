using System.Globalization;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using KafkaDemos.Producers;

namespace KafkaDemos.Benchmarks;

/// <summary>
/// Generating one message (key and value) as the producer demos do, against the regex replace
/// and pad that rendering used before: the per-message work of every generated run.
/// </summary>
[MemoryDiagnoser]
public partial class MessageGenerationBenchmarks
{
    private readonly ProduceOptions _options = new() { Topic = "bench", Size = 100 };
    private long _n = 1_000_000;

    [GeneratedRegex(@"\{n(?:%(\d+))?\}")]
    private static partial Regex Placeholder();

    [Benchmark(Baseline = true)]
    public string RegexReplaceAndPad()
    {
        long n = _n++;
        string value = Placeholder().Replace(MessageSource.DefaultValue, m => (m.Groups[1].Success ? n % long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : n).ToString(CultureInfo.InvariantCulture));
        return value.PadRight(100, '.');
    }

    [Benchmark]
    public string RenderValue() => Template.Render(MessageSource.DefaultValue, _n++, 100);

    [Benchmark]
    public string RenderKeyTemplate() => Template.Render("user-{n%4}", _n++);

    [Benchmark]
    public OutgoingMessage GenerateMessage() => MessageSource.Generate(_options, _n++);
}
