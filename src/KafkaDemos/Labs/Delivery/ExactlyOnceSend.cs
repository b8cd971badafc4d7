using Confluent.Kafka;
using KafkaDemos.Core;
using KafkaDemos.Producers;

namespace KafkaDemos.Labs.Delivery;

/// <summary>
/// The delivery lab's exactly-once row: the numbered stream sent inside one transaction
/// (transactional.id, so idempotence too), committed at the end. The broker checks each batch's
/// producer id and sequence number and writes a resent batch once; readers with
/// isolation.level=read_committed see the records once the transaction commits.
/// </summary>
public static class ExactlyOnceSend
{
    /// <summary>Bound of InitTransactions and CommitTransaction; longer than message.timeout.ms, so every retry can finish first.</summary>
    private static readonly TimeSpan TransactionTimeout = TimeSpan.FromSeconds(60);

    /// <param name="transactional">False for the lab's negative control: the same loop with a plain acks=all producer, no transaction.</param>
    /// <param name="sink">Gets every delivery report as an event, as the course's producers emit them.</param>
    public static async Task<ProduceResult> RunAsync(ProducerConfig baseConfig, string topic, int count, bool transactional, Reporter reporter, CancellationToken cancellation)
    {
        // One request in flight: the embedded broker answers a batch that follows a refused one with
        // OUT_OF_ORDER_SEQUENCE_NUMBER, which aborts a transaction (Apache Kafka lets the client resend them
        // in order). The control uses the same setting, so the two differ only in the transaction.
        var config = new ProducerConfig(baseConfig.ToDictionary()) { Acks = Acks.All, MaxInFlight = 1 };
        if (transactional) config.TransactionalId = $"lab.delivery.{Guid.NewGuid().ToString("N")[..8]}";
        else config.EnableIdempotence = false;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        long delivered = 0, failed = 0, sent = 0;
        using var producer = new ProducerBuilder<string, string>(config)
            .SetLogHandler((_, m) => reporter.Emit(new WarningEvent($"librdkafka {m.Facility}: {m.Message}")))
            .Build();
        if (transactional)
        {
            producer.InitTransactions(TransactionTimeout);
            producer.BeginTransaction();
        }

        string? fatal = null;
        for (long n = 0; n < count && !cancellation.IsCancellationRequested && fatal is null; n++)
        {
            var message = new Message<string, string> { Key = n.ToString(System.Globalization.CultureInfo.InvariantCulture), Value = $"msg_{n}" };
            fatal = Produce(producer, topic, message, report =>
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failed);
                    reporter.Emit(new DeliveryFailedEvent(topic, report.Partition.Value, report.Message.Key, report.Message.Value, report.Error.Code.ToString(), report.Error.Reason, report.Status));
                }
                else
                {
                    Interlocked.Increment(ref delivered);
                    reporter.Emit(new DeliveredEvent(topic, report.Partition.Value, report.Offset.Value, report.Message.Key, report.Message.Value, 0, report.Status));
                }
            });
            sent++;
            // The same pace as the other rows (ProduceOptions.Interval of 1 ms), so faults land among requests in flight alike.
            await Task.Delay(TimeSpan.FromMilliseconds(1), CancellationToken.None);
        }

        if (transactional && fatal is not null)
        {
            producer.AbortTransaction(TransactionTimeout);
        }
        else if (transactional)
        {
            try
            {
                // Commit flushes first: every message gets its delivery report before the transaction ends.
                producer.CommitTransaction(TransactionTimeout);
            }
            catch (KafkaException e)
            {
                fatal = $"the transaction could not commit ({e.Error.Reason}); its records are not visible to read_committed readers";
                if (e is KafkaTxnRequiresAbortException) producer.AbortTransaction(TransactionTimeout);
            }
        }
        long left = producer.Flush(TransactionTimeout);
        return new ProduceResult(transactional ? "exactly-once" : "acks=all, no transaction", sent, Interlocked.Read(ref delivered), Interlocked.Read(ref failed), left,
            clock.Elapsed, cancellation.IsCancellationRequested, fatal);
    }

    /// <summary>
    /// Produce, waiting for room when the local queue is full (the reports free it) instead of dropping the
    /// message. Returns why the transaction cannot go on (it must be aborted), or null.
    /// </summary>
    private static string? Produce(IProducer<string, string> producer, string topic, Message<string, string> message, Action<DeliveryReport<string, string>> report)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, report);
                return null;
            }
            catch (ProduceException<string, string> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(100));
            }
            catch (KafkaException e)
            {
                return $"the transaction failed at message {message.Value} ({e.Error.Reason}) and was aborted; its records are not visible to read_committed readers";
            }
        }
    }
}
