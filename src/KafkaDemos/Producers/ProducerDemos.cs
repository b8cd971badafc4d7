using Confluent.Kafka;
using KafkaDemos.Configuration;
using KafkaDemos.Core;

namespace KafkaDemos.Producers;

/// <summary>
/// One way of sending, as the course presents it: takes ready client properties and options and
/// reports only to the reporter, so `demo produce` and other commands (the tour, the labs, the
/// benchmark) run the same code. Sends the messages, flushes with a bound, emits a summary.
/// </summary>
public delegate Task<ProduceResult> ProducerProgram(ProducerConfig config, ProduceOptions options, Reporter reporter, CancellationToken cancellation);

/// <summary>Every producer mode, by its --mode name, each in its own file.</summary>
public static class ProducerDemos
{
    public static readonly CoursePrograms<ProducerProgram> Modes = new("--mode",
    [
        new(FireAndForgetProducer.Name, "Producer_01_FireAndForget",
            "produce() and never ask what happened. Fastest; it cannot know what arrived. A full local queue is waited out, not dropped.",
            ModeConstraints.ForProducer(FireAndForgetProducer.Name), FireAndForgetProducer.RunAsync),
        new(SyncProducer.Name, "Producer_02_Sync",
            "send one message, wait for its partition and offset, then the next. Slowest: every message costs a full network round trip " +
            "(and the broker's write, and with acks=all the replicas'), nothing is batched. Prints each round trip's latency; stops at the first failure.",
            ModeConstraints.ForProducer(SyncProducer.Name), SyncProducer.RunAsync),
        new(AsyncCallbackProducer.Name, "Producer_03_Async",
            "produce() with a delivery callback (the default). Batched like fire-and-forget, yet every message's partition and offset, " +
            "or error, is reported, as the course's delivery_callback prints it.",
            ModeConstraints.ForProducer(AsyncCallbackProducer.Name), AsyncCallbackProducer.RunAsync),
        new(IdempotentProducer.Name, "enable.idempotence (Configuring Producers)",
            "async plus exactly-once, in-order writes under retries. Implies acks=all, max.in.flight.requests.per.connection<=5, retries; " +
            "refuses settings that contradict them (e.g. --acks 1). A fatal client error ends the run.",
            ModeConstraints.ForProducer(IdempotentProducer.Name), IdempotentProducer.RunAsync),
        new(JsonProducer.Name, "Producer_04_Json",
            "typed records serialized to JSON ({\"num\": n} by default, --record task, or --value '{...}' / --stdin lines of your own).",
            ModeConstraints.ForProducer(JsonProducer.Name), JsonProducer.RunAsync),
    ]);
}
