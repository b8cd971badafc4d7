using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// One way of sending, as the course presents it. A demo takes ready client properties and
/// options and reports only through the event sink, so `demo produce` and other commands
/// (a tour, a benchmark) run the same code.
/// </summary>
public interface IProducerDemo
{
    /// <summary>The --mode name, e.g. "async".</summary>
    string Mode { get; }

    /// <summary>The course example the mode mirrors, e.g. "Producer_03_Async".</summary>
    string CourseExample { get; }

    /// <summary>
    /// The mode's client properties on top of <paramref name="config"/>; throws a usage error
    /// (exit 2) for settings the mode cannot honour, before anything is sent.
    /// </summary>
    ProducerConfig Configure(ProducerConfig config, ProduceOptions options);

    /// <summary>Sends the messages, flushes with a bound, emits a summary; never blocks without a bound.</summary>
    Task<ProduceResult> RunAsync(ProducerConfig config, ProduceOptions options, Reporter sink, CancellationToken cancellation);
}

/// <summary>Every producer mode, by its --mode name.</summary>
public static class ProducerDemos
{
    public static readonly IReadOnlyList<IProducerDemo> All =
    [
        new FireAndForgetProducer(),
        new SyncProducer(),
        new AsyncCallbackProducer(),
        new IdempotentProducer(),
        new JsonProducer(),
    ];

    public static IEnumerable<string> Modes => All.Select(d => d.Mode);

    public static IProducerDemo For(string mode) =>
        All.FirstOrDefault(d => d.Mode == mode) ?? throw new UsageException($"--mode '{mode}' is not one of {string.Join(", ", Modes)}");
}
