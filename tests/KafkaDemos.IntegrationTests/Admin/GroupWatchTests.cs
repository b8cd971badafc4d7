using System.Text.Json;
using KafkaDemos.Core;
using KafkaDemos.IntegrationTests.Infrastructure;

namespace KafkaDemos.IntegrationTests.Admin;

/// <summary>
/// `demo groups watch -o json` against members started as `demo consume` child processes: the owner
/// it shows for each partition is the member that printed that partition in its own assignment.
/// On real Kafka the owners come from DescribeGroups; on the embedded broker from the members' reports.
/// </summary>
public sealed class GroupWatchTests(KafkaFixture kafka)
{
    private const int Partitions = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(2, "classic")]
    [InlineData(5, "classic")]
    [InlineData(2, "consumer")]
    public async Task The_owner_of_every_partition_is_the_member_that_printed_it(int count, string protocol)
    {
        await using var run = await GroupRun.StartAsync(kafka, protocol);
        for (int i = 1; i <= count; i++) run.AddMember();

        var state = await run.WaitForAgreementAsync();

        var printed = run.Printed();
        Assert.Equal(count, printed.Count);
        Assert.Equal(Math.Min(count, Partitions), printed.Count(p => p.Value.Count > 0));
        Assert.Equal("Stable", state.GetProperty("state").GetString());
        Assert.Equal(protocol, state.GetProperty("protocol").GetString());
        // Every member is listed, the idle one too (the course's fifth consumer: "Setting newly assigned partitions: []").
        var listed = state.GetProperty("members").EnumerateArray()
            .ToDictionary(m => m.GetProperty("client_id").GetString()!, m => m.GetProperty("partitions").EnumerateArray().Select(p => p.GetString()!).ToHashSet());
        Assert.Equal(printed.Keys.Order(), listed.Keys.Order());
        foreach (var (client, partitions) in printed) Assert.Equal(partitions.Order(), listed[client].Order());
        Assert.All(state.GetProperty("partitions").EnumerateArray(), p => Assert.True(p.GetProperty("end").GetInt64() >= 0));
        // The members report the generation (member epoch) they are in; DescribeGroups has none to give.
        if (state.GetProperty("source").GetString() == "member_reports")
            Assert.True(state.GetProperty("generation").GetInt32() >= 1, state.ToString());
        else
            Assert.Equal(JsonValueKind.Null, state.GetProperty("generation").ValueKind);
    }

    [Fact]
    public async Task The_rebalance_events_of_a_join_move_partitions_from_whom_to_whom_as_the_members_printed()
    {
        await using var run = await GroupRun.StartAsync(kafka, "classic");
        run.AddMember();
        var alone = await run.WaitForAgreementAsync();
        run.AddMember();
        var together = await run.WaitForAgreementAsync();

        // Replaying the moves of every rebalance watch reported after the join, from "member-1 owns all",
        // must give exactly what the members printed; each move starts from the owner the replay says.
        var owners = alone.GetProperty("partitions").EnumerateArray()
            .ToDictionary(p => $"{p.GetProperty("topic").GetString()}-{p.GetProperty("partition").GetInt32()}", p => p.GetProperty("client_id").GetString());
        Assert.All(owners.Values, o => Assert.Equal("member-1", o));
        var after = run.Watch.Events.Where(e => Is(e, "rebalance") && e.GetProperty("started").GetDateTime() >= alone.GetProperty("time").GetDateTime()
            && e.GetProperty("completed").GetDateTime() <= together.GetProperty("time").GetDateTime()).ToList();
        Assert.NotEmpty(after);
        foreach (var rebalance in after)
        {
            Assert.True(rebalance.GetProperty("duration_s").GetDouble() >= 0);
            foreach (var (partition, from, to) in Moves(rebalance))
            {
                Assert.True(owners[partition] == from, $"{partition} moved from {from ?? "nobody"}, but {owners[partition]} owned it: {rebalance}\n{alone}\n{string.Join("\n", run.Watch.Events.Where(e => !Is(e, "group_state")))}");
                owners[partition] = to;
            }
        }
        var printed = run.Printed();
        Assert.Equal(2, printed["member-2"].Count);
        Assert.All(owners, o => Assert.Contains(o.Key, printed[o.Value!]));
    }

    [Fact]
    public async Task Negative_control_a_member_that_does_not_report_leaves_its_partitions_without_owner()
    {
        // The members' reports are the source on every broker here (the default on the embedded one).
        await using var run = await GroupRun.StartAsync(kafka, "classic", "member-reports");
        run.AddMember();
        run.AddMember("--no-status-report");
        await run.WaitForMembersAsync();
        var silent = run.Printed()["member-2"];
        Assert.NotEmpty(silent);

        // The same agreement check that the tests above pass must fail here: watch shows no owner for
        // the silent member's partitions, for refresh after refresh.
        for (int i = 0; i < 4; i++)
        {
            var state = await run.NextStateAsync();
            Assert.False(GroupRun.Agrees(state, run.Printed()), state.ToString());
            Assert.All(silent, p => Assert.Equal(JsonValueKind.Null, Partition(state, p).GetProperty("owner").ValueKind));
        }
    }

    [Fact]
    public async Task Negative_control_a_killed_member_is_shown_stale_and_owns_nothing_once_its_reports_stop()
    {
        await using var run = await GroupRun.StartAsync(kafka, "classic", "member-reports");
        var doomed = run.AddMember();
        await run.WaitForAgreementAsync();
        var owned = run.Printed()["member-1"];

        await run.KillAsync(doomed);   // no revoke, no "left" report: the group finds out after session.timeout.ms

        var state = await run.Watch.WaitForEventAsync(e => Is(e, "group_state")
            && e.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("client_id").GetString() == "member-1" && m.GetProperty("stale").GetBoolean()), Deadline);
        Assert.All(owned, p => Assert.Equal(JsonValueKind.Null, Partition(state, p).GetProperty("owner").ValueKind));
        Assert.NotEqual("Stable", state.GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_lab_check_on_the_watch_holds_for_the_members_own_assignment_and_fails_for_a_swapped_one()
    {
        await using var run = await GroupRun.StartAsync(kafka, "classic");
        await using var labWatch = new KafkaDemos.Labs.LabGroupWatch(
            DemoProcess.StartInfo(kafka.DemoArgs("groups", "watch", run.Group, "--topic", run.Topic, "--status-topic", run.Status, "-o", "json")));
        run.AddMember();
        run.AddMember();
        await run.WaitForAgreementAsync();
        var printed = run.Printed().ToDictionary(p => p.Key, p => (IReadOnlySet<Confluent.Kafka.TopicPartition>)p.Value.Select(n => TopicPartitionJsonConverter.Parse(n)!).ToHashSet());

        var (agrees, _) = await labWatch.AgreesAsync(printed, TimeSpan.FromSeconds(30));
        var swapped = new Dictionary<string, IReadOnlySet<Confluent.Kafka.TopicPartition>> { ["member-1"] = printed["member-2"], ["member-2"] = printed["member-1"] };
        var (wrong, shown) = await labWatch.AgreesAsync(swapped, TimeSpan.FromSeconds(5));

        Assert.True(agrees);
        Assert.False(wrong);
        Assert.Contains("member-1", shown);
    }

    [Fact]
    public async Task Ctrl_c_leaves_at_once_with_exit_0()
    {
        await using var run = await GroupRun.StartAsync(kafka, "classic");
        await run.NextStateAsync();

        run.Watch.Interrupt();
        await run.Watch.WaitForExitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(0, run.Watch.Result(TimeSpan.Zero).ExitCode);
        Assert.Contains("Stopped watching", run.Watch.Stdout);
    }

    [Theory]
    [InlineData("--refreshes", "0", "--refreshes 0")]
    [InlineData("--source", "guess", "guess")]
    [InlineData("--status-topic", " ", "--status-topic")]
    public async Task Bad_flags_exit_2_naming_the_value(string flag, string value, string named)
    {
        var result = await DemoProcess.RunAsync(kafka.DemoArgs("groups", "watch", "g", flag, value));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(named, result.Stderr + result.Stdout);
    }

    private static bool Is(JsonElement e, string name) => e.GetProperty("event").GetString() == name;

    private static JsonElement Partition(JsonElement state, string name) =>
        state.GetProperty("partitions").EnumerateArray().Single(p => $"{p.GetProperty("topic").GetString()}-{p.GetProperty("partition").GetInt32()}" == name);

    private static List<(string Partition, string? From, string? To)> Moves(JsonElement rebalance) =>
        rebalance.GetProperty("moves").EnumerateArray()
            .Select(m => ($"{m.GetProperty("topic").GetString()}-{m.GetProperty("partition").GetInt32()}",
                m.GetProperty("from_client").GetString(), m.GetProperty("to_client").GetString()))
            .ToList();

    /// <summary>A topic, a group, a status topic of its own, `demo groups watch` and the members, each a child process.</summary>
    private sealed class GroupRun : IAsyncDisposable
    {
        private readonly KafkaFixture _kafka;
        private readonly string _protocol;
        private readonly List<DemoProcess> _members = [];
        private readonly HashSet<DemoProcess> _killed = [];
        private DateTime _lastState = DateTime.MinValue;

        private GroupRun(KafkaFixture kafka, string protocol, string topic, string status, string group, string source)
        {
            _kafka = kafka;
            _protocol = protocol;
            Topic = topic;
            Status = status;
            Group = group;
            Watch = DemoProcess.Start(kafka.DemoArgs("groups", "watch", group, "--topic", topic, "--status-topic", status, "--source", source, "-o", "json"));
        }

        public string Topic { get; }

        public string Status { get; }

        public string Group { get; }

        public DemoProcess Watch { get; }

        /// <param name="source">--source of the watch: auto (the group API where the broker has it) or member-reports.</param>
        public static async Task<GroupRun> StartAsync(KafkaFixture kafka, string protocol, string source = "auto")
        {
            string topic = await kafka.CreateTopicAsync("watch", Partitions);
            string status = await kafka.CreateTopicAsync("status", 1);
            return new GroupRun(kafka, protocol, topic, status, KafkaFixture.UniqueName("g-watch"), source);
        }

        /// <summary>Starts `demo consume` as member-N (its client.id), reporting on this run's status topic.</summary>
        public DemoProcess AddMember(params string[] extra)
        {
            string client = $"member-{_members.Count + 1}";
            string[] timing = _protocol == "classic" ? ConsumerKit.FastRebalanceArgs(_kafka) : [];
            var member = DemoProcess.Start(_kafka.DemoArgs(["consume", "--topic", Topic, "--group", Group, "--status-topic", Status,
                "--group-protocol", _protocol, "-X", $"client.id={client}", "-o", "json", .. timing, .. extra]));
            _members.Add(member);
            return member;
        }

        /// <summary>Kills the member's process (SIGKILL): it reports nothing more.</summary>
        public async Task KillAsync(DemoProcess member)
        {
            _killed.Add(member);
            await member.DisposeAsync();
        }

        /// <summary>Each member's assignment as it printed it (assigned, revoked, lost events), by client id.</summary>
        public Dictionary<string, HashSet<string>> Printed() =>
            _members.Select((m, i) => (Client: $"member-{i + 1}", Events: m.Events))
                .ToDictionary(m => m.Client, m => ConsumerKit.Assignment(m.Events));

        /// <summary>
        /// Every member has been told its assignment (under the consumer protocol a member given nothing hears
        /// nothing), together they own each partition exactly once, and evenly (no member has two more than another).
        /// </summary>
        private bool MembersSettled()
        {
            var printed = Printed();
            bool told = _protocol == "consumer" || _members.All(m => m.Events.Any(e => Is(e, "assigned")));
            var owned = printed.Values.SelectMany(p => p).ToList();
            var counts = printed.Values.Select(p => p.Count).ToList();
            return told && owned.Count == Partitions && owned.Distinct().Count() == Partitions && counts.Max() - counts.Min() <= 1;
        }

        public async Task WaitForMembersAsync()
        {
            var deadline = DateTime.UtcNow + Deadline;
            while (!MembersSettled())
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"members did not settle: {string.Join("; ", Printed().Select(p => $"{p.Key}=[{string.Join(",", p.Value)}]"))}");
                await NextStateAsync();
            }
        }

        /// <summary>Waits for the first refresh after the members settled whose owners are exactly what the members printed.</summary>
        public async Task<JsonElement> WaitForAgreementAsync()
        {
            var deadline = DateTime.UtcNow + Deadline;
            while (true)
            {
                var state = await NextStateAsync();
                if (MembersSettled() && Agrees(state, Printed())) return state;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"watch never showed the members' own assignment {string.Join("; ", Printed().Select(p => $"{p.Key}=[{string.Join(",", p.Value)}]"))}; last state {state}");
            }
        }

        /// <summary>The next group_state event watch writes.</summary>
        public async Task<JsonElement> NextStateAsync()
        {
            var state = await Watch.WaitForEventAsync(e => Is(e, "group_state") && e.GetProperty("time").GetDateTime() > _lastState, TimeSpan.FromSeconds(30));
            _lastState = state.GetProperty("time").GetDateTime();
            return state;
        }

        /// <summary>True when every partition's owner in the watch's state is the member that printed it, and only those.</summary>
        public static bool Agrees(JsonElement state, Dictionary<string, HashSet<string>> printed)
        {
            var shown = state.GetProperty("partitions").EnumerateArray().ToDictionary(
                p => $"{p.GetProperty("topic").GetString()}-{p.GetProperty("partition").GetInt32()}",
                p => p.GetProperty("client_id").GetString());
            var expected = printed.SelectMany(m => m.Value.Select(p => (Partition: p, Client: m.Key))).ToDictionary(x => x.Partition, x => (string?)x.Client);
            return shown.Count == Partitions && shown.All(s => expected.TryGetValue(s.Key, out var client) && client == s.Value);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var member in _members.Except(_killed))
            {
                member.Terminate();
                await member.WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await member.DisposeAsync();
            }
            Watch.Interrupt();
            await Watch.WaitForExitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await Watch.DisposeAsync();
        }
    }
}
