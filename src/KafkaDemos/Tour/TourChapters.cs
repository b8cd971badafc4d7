using KafkaDemos.Producers;

namespace KafkaDemos.Tour;

/// <summary>The tour's chapters in course order, each with the course's own sentence about it.</summary>
public static class TourChapters
{
    public static IReadOnlyList<ITourChapter> All() =>
    [
        new ProducerChapter(ProducerDemos.Modes.Entry(FireAndForgetProducer.Name),
            "Fire-and-forget: we send a message to the server and don't really care if it arrives successfully or not (the highest throughput, and no idea what arrived)."),
        new ProducerChapter(ProducerDemos.Modes.Entry(SyncProducer.Name),
            "Synchronous send: we send a message, and wait to see if the produce() was successful or not (the slowest: one round trip per message)."),
        new ProducerChapter(ProducerDemos.Modes.Entry(AsyncCallbackProducer.Name),
            "Asynchronous send: we call produce() with a callback function, which gets triggered when it receives a response from the Kafka broker (the recommended way)."),
        new ProducerChapter(ProducerDemos.Modes.Entry(IdempotentProducer.Name),
            "enable.idempotence: when set to true, the producer will ensure that messages are successfully produced exactly once and in the original produce order."),
        new ProducerChapter(ProducerDemos.Modes.Entry(JsonProducer.Name),
            "Serializers: Kafka lets us publish and subscribe to streams of records, and the records can be of any type (JSON, String, Object, etc.)."),
        new ConsumerChapter("auto", "Consumer_02_AutoCommit",
            "Automatic commit: every five seconds the consumer will commit the largest offset your client received from consume(); convenient, but it doesn't know which events were actually processed."),
        new ConsumerChapter("sync", "Consumer_03_CommitSync",
            "Synchronous commit: commit() without parameters commits the latest offset returned by consume() and returns once the offset is committed; call it after you are done processing the batch."),
        new ConsumerChapter("async", "Consumer_04_CommitAsync + Consumer_05_CommitSyncAsync",
            "Asynchronous commit: instead of waiting for the broker to respond to a commit, we just send the request and continue on; combined with a synchronous commit when stopping."),
        new ConsumerChapter("specified", "Consumer_06_CommitSpecified",
            "Commit specified offset: pass a map of partitions and offsets to commit in the middle of a batch, to avoid processing it all again after a rebalance."),
        new RebalanceChapter(),
    ];
}
