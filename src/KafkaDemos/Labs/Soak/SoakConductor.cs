using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Configuration;
using KafkaDemos.Consumers;
using KafkaDemos.Core;
using KafkaDemos.Producers;

namespace KafkaDemos.Labs.Soak;

/// <summary>One soak run, from the first member's start to the final table.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The paced lines hold nothing to release: a TextReader over a counter.")]
public sealed partial class SoakConductor(DemoContext ctx, DemoConfiguration config, LabBroker broker, SoakSettings settings)
{
    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CommitWait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BrokerDownFor = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    // A broker that was down is tried again within a second (librdkafka backs off up to 10 s by default),
    // and a record waits up to 30 s for its answer, so a 3 s outage delays records but does not fail them.
    private const int ReconnectBackoffMaxMs = 1000;
    private const int ProducerMessageTimeoutMs = 30_000;

    // A connection to a broker that went down was seen to stay open without answers until librdkafka's
    // socket.timeout.ms (60 s by default) gave up on it; its partitions stalled that long. 10 s bounds it.
    private const int SocketTimeoutMs = 10_000;

    private readonly SoakHistory _history = new();
    private readonly List<SoakMember> _members = [];
    private readonly Lock _membersLock = new();
    private readonly List<ChaosEvent> _chaos = [];
    private readonly List<string> _stalls = [];
    private readonly Stopwatch _clock = new();
    private readonly HashSet<string> _base = Enumerable.Range(1, settings.Consumers).Select(i => $"consumer-{i}").ToHashSet();
    private string _topic = "";
    private string _group = "";
    private int _partitions;
    private int _nextId;
    private int _nextName;
    private PacedLines? _lines;
    private string _phase = "starting";

    private ConsumerConfig ConsumerConfig => broker.ConsumerConfig(config);

    public async Task<int> RunAsync()
    {
        var created = await broker.CreateTopicAllowingDefaultAsync(config, "lab.soak", settings.Partitions);
        _topic = created.Name;
        _partitions = created.Partitions;
        _group = "lab-soak-" + Guid.NewGuid().ToString("N")[..8];
        var kinds = broker.Embedded is null ? SoakChaos.ClientSide : SoakChaos.WithBrokerFaults;
        var plan = SoakChaos.Plan(settings.Seed, settings.Duration, settings.ChaosEvery, kinds);

        ctx.Info($"The lab runs on {broker.Description}.");
        ctx.Info($"Topic {_topic} ({_partitions} partitions{(created.AutoCreated ? ", auto-created by the broker" : "")}), group {_group}, " +
                 $"{settings.Consumers} members (demo consume --commit {settings.Strategy}, group.protocol={settings.Protocol}) as child processes.");
        ctx.Info(settings.Break
            ? $"Negative control --break acks0: the producer sends with acks=0 and no idempotence, {settings.Rate}/s for {settings.Duration.TotalSeconds:0} s; it cannot know what the broker refused."
            : $"Producer: idempotent (acks=all), {settings.Rate} records/s for {settings.Duration.TotalSeconds:0} s.");
        ctx.Info($"Chaos (seed {settings.Seed}): {plan.Count} actions about every {settings.ChaosEvery.TotalSeconds:0.#} s, of {string.Join(", ", kinds.Select(Describe))}" +
                 (broker.Embedded is null ? " (client side only: this broker is not the embedded one)." : "."));
        if (broker.Embedded is not null && settings.Protocol == "classic") ctx.Info($"Group timing: {LabGroupTiming.Note}.");
        ctx.Info($"Every client retries a broker that went away within {ReconnectBackoffMaxMs} ms (reconnect.backoff.max.ms); " +
                 $"the producer waits up to {ProducerMessageTimeoutMs / 1000} s for each answer (message.timeout.ms).");
        ctx.Info($"Every client gives up on a connection that stops answering after {SocketTimeoutMs / 1000} s (socket.timeout.ms; librdkafka's default is 60 s): " +
                 "a connection to a broker that went down was seen to stay open, silent, until then, and its partitions stalled.");

        _clock.Start();
        using var memory = new SoakMemory(MemberMemory);
        var work = WorkAsync(plan, memory);
        await new SoakProgress(ctx, Progress).RunAsync(work);
        var (verdict, produced, memoryRows, elapsed) = await work;
        List<ChaosEvent> chaos;
        lock (_chaos) chaos = [.. _chaos];
        List<string> stalls;
        lock (_stalls) stalls = [.. _stalls];
        return SoakReport.Emit(ctx, settings, broker.Embedded is not null,
            new SoakOutcome(verdict, produced, memoryRows, elapsed, chaos, stalls, _history.Size()));
    }

    private async Task<(SoakVerdict, ProduceResult, IReadOnlyList<MemoryRow>, TimeSpan)> WorkAsync(IReadOnlyList<ChaosAction> plan, SoakMemory memory)
    {
        Task<ProduceResult>? producing = null;
        try
        {
            for (int i = 0; i < settings.Consumers; i++) StartMember(NextName());
            await FormAsync();

            _phase = "producing";
            var produceClock = Stopwatch.StartNew();
            _lines = new PacedLines(settings.Rate, settings.Duration, ctx.Cancellation);
            producing = ProduceAsync(_lines, ctx.Cancellation);
            await ChaosAsync(plan, produceClock, producing);
            var produced = await producing;
            var produceTime = produceClock.Elapsed;
            var memoryRows = memory.Report();

            _phase = "draining";
            var ends = await DrainAsync();
            _phase = "stopping";
            // Committed to the end already: nothing is left for a stop-time commit, so the members may stop together.
            if (await AwaitCommitsAsync(ends)) await StopAllAsync();
            else await StopInTurnAsync(ends);

            _phase = "checking";
            var positions = await PositionsAsync();
            var stored = await Task.Run(() => ReadBack.All(ConsumerConfig, _topic, ReadTimeout), ctx.Cancellation);
            var log = positions.Select(p => new LogPartition(p.Partition.Partition.Value, p.Low, p.High, p.Committed)).ToList();
            return (SoakAudit.Check(_history.Snapshot(), log, stored), produced, memoryRows, produceTime);
        }
        finally
        {
            // Ctrl+C or a failure: the producer flushes what it sent while the broker and the members
            // are still there (the chaos has restored every fault by now), so the stop itself fails no
            // delivery; only then do the members stop and the broker go.
            if (producing is { IsCompleted: false })
            {
                try { await producing; }
                catch (OperationCanceledException) { }
            }
            await StopAllAsync();
        }
    }

    private async Task<ProduceResult> ProduceAsync(PacedLines lines, CancellationToken stop)
    {
        // The lab's timing, unless -X says otherwise.
        var producerConfig = new ProducerConfig(broker.ProducerConfig(config).ToDictionary());
        if (!Given("message.timeout.ms")) producerConfig.MessageTimeoutMs = ProducerMessageTimeoutMs;
        if (!Given("reconnect.backoff.max.ms")) producerConfig.ReconnectBackoffMaxMs = ReconnectBackoffMaxMs;
        if (!Given("socket.timeout.ms")) producerConfig.SocketTimeoutMs = SocketTimeoutMs;
        var options = new ProduceOptions { Topic = _topic, Count = int.MaxValue, Input = lines, FlushTimeout = ProduceOptions.FlushTimeoutFor(producerConfig) };
        var sink = ctx.Output.With(new EventObserver(e =>
        {
            switch (e)
            {
                case DeliveredEvent d:
                    _history.Acked(d.Number);
                    break;
                case DeliveryFailedEvent:
                    _history.DeliveryFailed();
                    break;
            }
        }));
        if (!settings.Break) return await Task.Run(() => ProducerDemos.Modes["idempotent"](producerConfig, options, sink, stop), stop);
        var careless = new ProducerConfig(producerConfig.ToDictionary()) { Acks = Acks.None, EnableIdempotence = false };
        return await Task.Run(() => ProducerDemos.Modes["async"](careless, options, sink, stop), stop);
    }

    private bool Given(string property) => (ctx.Get(GlobalOptions.Property) ?? []).Any(p => p.StartsWith(property + "=", StringComparison.Ordinal));

    private string NextName()
    {
        string name;
        do name = $"consumer-{++_nextName}";
        while (Live().Any(m => m.Name == name));
        return name;
    }

    private SoakMember StartMember(string name)
    {
        List<string> args = ["consume", "--commit", settings.Strategy, "--topic", _topic, "--group", _group, "--from-beginning",
            "-b", broker.BootstrapServers, "-o", "json"];
        foreach (string file in ctx.Get(GlobalOptions.Config) ?? []) args.AddRange(["--config", file]);
        args.AddRange(["-X", $"reconnect.backoff.max.ms={ReconnectBackoffMaxMs}", "-X", $"socket.timeout.ms={SocketTimeoutMs}"]);
        if (settings.Protocol == GroupProtocolSettings.Consumer) args.AddRange(["--group-protocol", GroupProtocolSettings.Consumer]);
        else if (broker.Embedded is not null)
            foreach (string property in LabGroupTiming.Properties) args.AddRange(["-X", property]);
        foreach (string property in ctx.Get(GlobalOptions.Property) ?? []) args.AddRange(["-X", property]);
        var member = new SoakMember(name, ++_nextId, args, _history, ctx.Output);
        lock (_membersLock) _members.Add(member);
        ctx.Output.Emit(new InfoEvent($"Started {member.Label}."));
        return member;
    }

    private List<SoakMember> Live()
    {
        lock (_membersLock) return _members.Where(m => !m.Finished.IsCompleted).OrderBy(m => m.Name, StringComparer.Ordinal).ToList();
    }

    private void Forget(SoakMember member)
    {
        lock (_membersLock) _members.Remove(member);
    }

    private IReadOnlyList<(string, long?)> MemberMemory() => Live().Select(m => (m.Label, m.WorkingSet())).ToList();

    /// <summary>Waits until the group has given every partition to a member.</summary>
    private async Task FormAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (_history.Owned().Count < _partitions)
        {
            if (deadline.Elapsed > FormTimeout)
                throw new DemoException($"The group did not give all {_partitions} partitions to its members within {FormTimeout.TotalSeconds:0} s " +
                                        $"(owned: {_history.Owned().Count})", ExitCodes.Failed);
            await Task.Delay(Tick, ctx.Cancellation);
        }
        ctx.Output.Emit(new InfoEvent($"The group owns all {_partitions} partitions after {_clock.Elapsed.TotalSeconds:0.0} s; producing."));
    }

    private async Task SuperviseAsync()
    {
        List<SoakMember> gone;
        lock (_membersLock) gone = _members.Where(m => m.Finished.IsCompleted && m.ExitedOnItsOwn).ToList();
        foreach (var member in gone)
        {
            ctx.Output.Emit(new WarningEvent($"{member.Label} exited on its own (exit code {member.ExitCode}); restarting it"));
            Forget(member);
            await member.DisposeAsync();
            StartMember(member.Name);
        }
    }

    private async Task StopAllAsync()
    {
        List<SoakMember> all;
        lock (_membersLock) all = [.. _members];
        // Said on Ctrl+C, so the order of a stop can be seen: the producer's summary comes first.
        if (ctx.Cancellation.IsCancellationRequested && all.Count > 0) ctx.Info(StoppingMembers(all.Count));
        await Task.WhenAll(all.Select(async m =>
        {
            await m.DisposeAsync();
            Forget(m);
        }));
    }

    /// <summary>The line said when an interrupted lab stops its members.</summary>
    public static string StoppingMembers(int count) => $"Stopping the {count} members (the producer has flushed what it sent).";

    private SoakProgressEvent Progress()
    {
        var counts = _history.Counts();
        int chaos;
        lock (_chaos) chaos = _chaos.Count;
        return new SoakProgressEvent(_phase, Math.Round(_clock.Elapsed.TotalSeconds, 1), _lines?.Count ?? 0, counts.Acked, counts.FailedDeliveries,
            counts.ProcessedDistinct, counts.Pending, counts.Commits, counts.CommitFailures, Live().Select(m => m.Label).ToList(), chaos);
    }
}
