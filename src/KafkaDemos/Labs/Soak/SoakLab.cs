using System.CommandLine;
using KafkaDemos.Broker;
using KafkaDemos.Cli;
using KafkaDemos.Consumers;
using KafkaDemos.Core;

namespace KafkaDemos.Labs.Soak;

/// <summary>
/// `demo lab soak`: minutes of load under changing membership and faults, then a check that
/// nothing acknowledged was lost. Kafka's own system tests do this with the verifiable producer
/// and consumer; here an idempotent producer sends numbered records at a steady rate while
/// `demo consume` child processes in one group are killed, stopped, restarted and joined by a
/// seeded chaos schedule (on the embedded broker also leader moves and a broker down). At the
/// end every acknowledged record must have been processed, every duplicate must be explained by
/// an event, and the group's committed offsets must be at the log end.
/// </summary>
public static class SoakLab
{
    public const string Name = "soak";

    private const string Acks0 = "acks0";

    public static Command Create(Option<bool> embedded)
    {
        var duration = DurationOption.Create("--duration", "How long the producer sends, e.g. 30s, 2m, 10m", TimeSpan.FromMinutes(2));
        var rate = new Option<int>("--rate") { Description = "Records per second", DefaultValueFactory = _ => 2000, HelpName = "N" };
        var consumers = new Option<int>("--consumers") { Description = "Members of the group (demo consume processes)", DefaultValueFactory = _ => 3, HelpName = "N" };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of the lab's topic", DefaultValueFactory = _ => 4, HelpName = "P" };
        var commit = new Option<string>("--commit") { Description = "The members' commit strategy", DefaultValueFactory = _ => SyncCommitConsumer.Name, HelpName = "STRATEGY" };
        commit.AcceptOnlyFromAmong([.. ConsumeCommand.Strategies.Keys]);
        var seed = new Option<int>("--seed") { Description = "Seed of the chaos schedule: the same seed, the same actions at the same times", DefaultValueFactory = _ => 42, HelpName = "N" };
        var every = DurationOption.Create("--chaos-every", "Time between chaos actions (each ±25%)", TimeSpan.FromSeconds(8));
        var protocol = new Option<string>("--group-protocol")
        {
            Description = "Consumer group protocol of the members (group.protocol): classic, or consumer (KIP-848)",
            DefaultValueFactory = _ => "classic",
            HelpName = "classic|consumer",
        };
        protocol.AcceptOnlyFromAmong("classic", "consumer");
        var breakIt = new Option<string?>("--break")
        {
            Description = "Negative control: acks0 sends with acks=0 and no idempotence, so records the broker refuses are lost and the lab must fail",
            HelpName = Acks0,
        };
        breakIt.AcceptOnlyFromAmong(Acks0);

        var command = new Command(Name, """
            Minutes of load under changing membership and faults, then a check that nothing acknowledged
            was lost (Kafka's verifiable producer and consumer, as its system tests use them).
            An idempotent producer in this process sends numbered records (soak_0, soak_1, ...) at --rate
            for --duration; --consumers members of one group run as `demo consume -o json` child processes.
            A seeded chaos schedule acts every --chaos-every: kill -9 of a member and a restart, SIGTERM and a
            restart, a new member joining; on the embedded broker in this process also a partition leader
            moving and a broker down for 3 s, then up. Against another broker only the members are touched.
            Then the producer stops, the members read to the end and stop, and the lab checks, from the
            members' reports and the topic itself:
              every acknowledged record was processed at least once (lost must be 0);
              every record in the log was processed by some member;
              every duplicate is explained by an event (a kill, a stop, a rebalance, a refused commit, a
                batch the broker wrote twice);
              the group's committed offset of every partition is at the log end;
            and reports the largest time from produce to processing and each process's peak working set,
            with the growth from the first to the last quarter of the run.
            Uses the configured broker if it answers, otherwise (or with --embedded) the embedded broker in
            this process. Exits 0 only if every check held, 1 if a record was lost or a check failed.

            Examples:
              demo lab soak --duration 30s --rate 500
              demo lab soak --duration 10m --embedded
              demo lab soak --commit async --consumers 4 --seed 7 -o json
              demo lab soak --duration 30s --embedded --break acks0     # the negative control: must report losses
            """)
        {
            duration, rate, consumers, partitions, commit, seed, every, protocol, breakIt, embedded,
        };

        command.SetDemoAction(async ctx =>
        {
            var settings = new SoakSettings(
                ctx.Get(duration), ctx.Get(rate), ctx.Get(consumers), ctx.Get(partitions),
                ctx.Get(commit)!, ctx.Get(seed), ctx.Get(every), ctx.Get(protocol)!, ctx.Get(breakIt) == Acks0);
            settings.Validate();

            var config = ctx.LoadConfiguration();
            // The members are `demo consume --group-protocol consumer`: a setting they would refuse is refused here, before anything starts.
            if (settings.Protocol == GroupProtocolSettings.Consumer)
            {
                var members = config.ConsumerConfig();
                members.Set("group.protocol", GroupProtocolSettings.Consumer);
                GroupProtocolSettings.Apply(config, members, new List<string>());
            }
            await using var broker = await LabBroker.AcquireAsync(config, ctx.Get(embedded), ctx.Output);
            if (settings.Break && broker.Embedded is null)
                throw new UsageException("--break acks0 needs the embedded broker's faults (leader moves, a broker down) to lose records: add --embedded");
            return await new SoakConductor(ctx, config, broker, settings).RunAsync();
        });
        return command;
    }
}

/// <summary>The soak's flags, checked before anything starts.</summary>
public sealed record SoakSettings(TimeSpan Duration, int Rate, int Consumers, int Partitions, string Strategy, int Seed, TimeSpan ChaosEvery, string Protocol, bool Break)
{
    public void Validate()
    {
        if (Duration < TimeSpan.FromSeconds(5) || Duration > TimeSpan.FromHours(24))
            throw new UsageException($"--duration {Duration.TotalSeconds:0.#}s must be between 5s and 24h");
        if (Rate is < 1 or > 50_000) throw new UsageException($"--rate {Rate} must be between 1 and 50000 records per second");
        if (Consumers is < 1 or > 20) throw new UsageException($"--consumers {Consumers} must be between 1 and 20");
        if (Partitions is < 1 or > 64) throw new UsageException($"--partitions {Partitions} must be between 1 and 64");
        if (ChaosEvery < TimeSpan.FromSeconds(1)) throw new UsageException($"--chaos-every {ChaosEvery.TotalSeconds:0.###}s must be at least 1s");
    }
}
