using Confluent.Kafka;
using KafkaDemos.Broker;
using KafkaDemos.Core;
using KafkaDemos.Producers;

namespace KafkaDemos.Labs.Delivery;

/// <summary>One setting's row run: send the numbered stream (on a fresh embedded broker with faults, or the configured one), then read it back.</summary>
public static partial class DeliveryLab
{
    /// <summary>One setting's run: where its events go, and the stream and faults it meets.</summary>
    public sealed record RowPlan(Reporter Output, bool Text, Setting Setting, int Messages, FaultSchedule Schedule, bool WithoutTransactions, CancellationToken Cancellation);

    /// <summary>One setting on a fresh embedded broker that injects the schedule's faults.</summary>
    public static async Task<Row> RunOnEmbeddedAsync(RowPlan run, ProducerConfig producerBase, ConsumerConfig consumerBase)
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        string topic = $"lab.delivery.{Guid.NewGuid().ToString("N")[..8]}";
        // One partition: one log, so "in order" is the order of the whole stream.
        broker.CreateTopic(topic, 1);
        var injector = new FaultInjector(broker, topic, run.Setting.Label, run.Schedule, run.Output);
        injector.Start(LeaderOf(broker.BootstrapServers, topic));

        var producerConfig = new ProducerConfig(producerBase.ToDictionary())
        {
            BootstrapServers = broker.BootstrapServers,
            // The client's own wait for an answer is socket.timeout.ms (request.timeout.ms is what the
            // broker is told to wait for replicas); short, so a lost answer is noticed within about 2 s.
            SocketTimeoutMs = 1000,
            RequestTimeoutMs = 1000,
            MessageTimeoutMs = 30_000,
            RetryBackoffMs = 100,
        };
        var row = await SendAndReadBackAsync(run, producerConfig, new ConsumerConfig(consumerBase.ToDictionary()) { BootstrapServers = broker.BootstrapServers }, topic, injector);
        return row with { LostAnswersMet = injector.Met(FaultKind.LostAnswer) };
    }

    private static Task<Row> RunOnBrokerAsync(RowPlan run, ProducerConfig producerConfig, ConsumerConfig consumerConfig, string topic) =>
        SendAndReadBackAsync(run, producerConfig, consumerConfig, topic, null);

    private static async Task<Row> SendAndReadBackAsync(RowPlan run, ProducerConfig baseConfig, ConsumerConfig consumerConfig, string topic, FaultInjector? injector)
    {
        var setting = run.Setting;
        // The client's own timeout and disconnect warnings are what the faults cause: in text mode they
        // are counted and reported in the row's line, not printed one by one.
        var sink = run.Output.Showing(run.Text ? Shown.AllButClientNotices : Shown.All).With(new EventObserver(e =>
        {
            if (e is DeliveredEvent or DeliveryFailedEvent) injector?.OnReport();
        }));
        var producerConfig = new ProducerConfig(baseConfig.ToDictionary()) { Acks = setting.Acks, EnableIdempotence = setting.Sending != Sending.Async, LingerMs = 5 };
        ProduceResult produced;
        if (setting.Sending == Sending.ExactlyOnce)
        {
            produced = await ExactlyOnceSend.RunAsync(producerConfig, topic, run.Messages, !run.WithoutTransactions, sink, run.Cancellation);
        }
        else
        {
            var options = new ProduceOptions { Topic = topic, Count = run.Messages, Interval = TimeSpan.FromMilliseconds(1), FlushTimeout = ProduceOptions.FlushTimeoutFor(producerConfig) };
            produced = await ProducerDemos.Modes[setting.Sending == Sending.Idempotent ? "idempotent" : "async"](producerConfig, options, sink, run.Cancellation);
        }

        // The numbers come from the log itself, not from the delivery reports.
        var records = await Task.Run(() => ReadBack.All(consumerConfig, topic, ReadTimeout));
        var numbers = records.Select(r => SequenceCheck.NumberOf(r.Value)).OfType<long>().ToList();
        var (duplicates, lost) = SequenceCheck.Count(numbers, run.Messages);
        long once = numbers.Where(n => n < run.Messages).GroupBy(n => n).Count(g => g.Count() == 1);
        bool inOrder = SequenceCheck.InOrderPerPartition(records);
        int applied = injector is null ? 0 : injector.Pushed - injector.Unused();
        run.Output.Emit(new InfoEvent($"  read back {records.Count} records: {once} once, {duplicates} duplicate(s), {lost} lost, {(inOrder ? "in order" : "out of order")}" +
            (injector is null ? "" : $"; {applied} fault(s) met" + (sink.ClientNoticesHidden > 0 ? $", {sink.ClientNoticesHidden} client warning(s) (timeouts, disconnects) not shown" : ""))));
        if (produced.FatalError is not null) run.Output.Emit(new ErrorEvent($"  {setting.Label}: {produced.FatalError}"));
        return new Row(setting, true, produced, once, duplicates, lost, inOrder, applied, 0, injector is not null);
    }

    private static int LeaderOf(string bootstrap, string topic)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).SetLogHandler((_, _) => { }).Build();
        return admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Single().Leader;
    }
}
