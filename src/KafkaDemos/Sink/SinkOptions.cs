using KafkaDemos.Core;


namespace KafkaDemos.Sink;

/// <summary>What one `demo sink` run is asked to do, the same for both commit modes.</summary>
public sealed record SinkOptions
{
    public required string Topic { get; init; }

    /// <summary>Stop once every assigned partition has reached its end.</summary>
    public bool ExitAtEnd { get; init; }

    /// <summary>Bound of Close() after the stop (it may wait for an unreachable group coordinator).</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>How a sink run ended: the summary's figures, and whether anything failed.</summary>
public sealed record SinkOutcome(SummaryEvent Summary, bool Succeeded);

/// <summary>One commit mode of `demo sink`: its own consumer program, in its own file.</summary>
public delegate SinkOutcome SinkMode(Confluent.Kafka.ConsumerConfig config, ISinkTarget target, SinkOptions options, Reporter reporter, CancellationToken stop);
