using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// The end of a producer run, around the producer.Flush(timeout) each mode's file calls: the line
/// after a Ctrl+C, the notice for a second one, what was not delivered, and the summary.
/// </summary>
public sealed partial class ProducerReport
{
    /// <summary>How long the final flush may wait: the course's producer.flush(10), bounded by message.timeout.ms.</summary>
    public TimeSpan FlushTimeout => _options.FlushTimeout;

    /// <summary>
    /// Call around the final producer.Flush: says that the run is flushing after a Ctrl+C, and while
    /// the flush waits, says how many messages a second Ctrl+C abandons.
    /// </summary>
    public IDisposable Flushing<TKey, TValue>(IProducer<TKey, TValue> producer)
    {
        // The notice is in place before the line that invites a second Ctrl+C is printed.
        var notice = AbandonNotice(producer);
        // Whether the run was stopped is decided here: a Ctrl+C during the flush changes nothing it reports.
        _interrupted = _interrupt.IsCancellationRequested;
        if (_interrupted)
            _reporter.Emit(new InfoEvent($"Stopping: no more messages; flushing what was sent (at most {FlushTimeout.TotalSeconds:0.#} s) ..."));
        return notice;
    }

    /// <summary>
    /// The flush returned with <paramref name="stillQueued"/> messages left in the local queue:
    /// waits briefly for the last delivery callbacks, then reports what was not delivered.
    /// </summary>
    public void Flushed(int stillQueued)
    {
        if (_tracksDeliveries) WaitForReports(stillQueued);
        long sent = Interlocked.Read(ref _sent), delivered = Interlocked.Read(ref _delivered), failed = Interlocked.Read(ref _failed);
        _notDelivered = _tracksDeliveries ? Math.Max(0, sent - delivered - failed) : stillQueued;
        if (_notDelivered > 0)
            _reporter.Emit(new WarningEvent($"{_notDelivered} message(s) not delivered: still in the local queue after the {FlushTimeout.TotalSeconds:0.#} s flush (message.timeout.ms had not expired)."));
        if (!_tracksDeliveries)
            _reporter.Emit(new InfoEvent("Fire-and-forget asked for no delivery reports, so it does not know what arrived; --mode async shows each one."));
    }

    /// <summary>
    /// The last line of a run, after <see cref="Flushed"/>: how it ended and the summary's counts.
    /// A bad input line ends the run as a usage error once its summary is out.
    /// </summary>
    public ProduceResult Summary()
    {
        bool interrupted = _interrupted;
        long sent = Interlocked.Read(ref _sent), delivered = Interlocked.Read(ref _delivered), failed = Interlocked.Read(ref _failed);
        var elapsed = _clock.Elapsed;
        _reporter.Emit(new InfoEvent(interrupted ? (_reporter.OutputClosed.IsCancellationRequested ? "Message sending stopped (stdout closed)." : "Message sending stopped (Ctrl+C).") : _fatal is null && _usageError is null ? "Message sending completed!" : "Message sending stopped."));

        var result = new ProduceResult(_mode, sent, _tracksDeliveries ? delivered : null, failed, _notDelivered, elapsed, interrupted, _fatal);
        List<KeyValuePair<string, object?>> fields =
        [
            new("mode", _mode),
            new("topic", _options.Topic),
            new("sent", sent),
            new("delivered", result.Delivered),
            new("failed", failed),
            new("not_delivered", _notDelivered),
            new("elapsed_s", Math.Round(elapsed.TotalSeconds, 3)),
            new("msg_per_s", Math.Round((result.Delivered ?? sent - _notDelivered) / Math.Max(elapsed.TotalSeconds, 0.001), 1)),
            new("queue_full_waits", Interlocked.Read(ref _queueFullWaits)),
            .. _options.Input is null ? Array.Empty<KeyValuePair<string, object?>>() : [new("skipped_empty_lines", Interlocked.Read(ref _skippedLines))],
            new("interrupted", interrupted),
        ];
        if (_fatal is not null) fields.Add(new("fatal_error", _fatal));
        _reporter.Emit(new SummaryEvent("produce", fields));
        if (_usageError is not null) throw _usageError;
        return result;
    }

    /// <summary>
    /// While the final flush waits, a Ctrl+C that the command does not take for a clean stop (the
    /// second one) ends the process at once: say first how many messages that abandons. The
    /// command's own handler was registered at start-up, so it runs before this one and has
    /// already decided (e.Cancel) whether this press stops cleanly or quits.
    /// </summary>
    private IDisposable AbandonNotice<TKey, TValue>(IProducer<TKey, TValue> producer)
    {
        bool tracksDeliveries = _tracksDeliveries;
        ConsoleCancelEventHandler handler = (_, e) =>
        {
            if (e.Cancel) return;
            long awaiting = tracksDeliveries
                ? Interlocked.Read(ref _sent) - Interlocked.Read(ref _delivered) - Interlocked.Read(ref _failed)
                : producer.Flush(TimeSpan.Zero);
            TextOutput.Notice($"Quitting during the flush: {awaiting} message(s) abandoned, their delivery unknown (sent {Interlocked.Read(ref _sent)}, " +
                                    $"delivered {(tracksDeliveries ? Interlocked.Read(ref _delivered).ToString() : "unknown")}, failed {Interlocked.Read(ref _failed)}).");
        };
        Console.CancelKeyPress += handler;
        return new Unsubscribe(() => Console.CancelKeyPress -= handler);
    }

    private sealed class Unsubscribe(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    /// <summary>Flush returns when the queue is empty; the last delivery callbacks may still be finishing on the client's thread.</summary>
    private void WaitForReports(int stillQueued)
    {
        var deadline = Stopwatch.StartNew();
        while (Interlocked.Read(ref _sent) - Interlocked.Read(ref _delivered) - Interlocked.Read(ref _failed) > stillQueued && deadline.Elapsed < TimeSpan.FromSeconds(1))
            Thread.Sleep(5);
    }
}
