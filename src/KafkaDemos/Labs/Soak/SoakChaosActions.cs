using System.Diagnostics;
using Confluent.Kafka;
using KafkaDemos.Core;

namespace KafkaDemos.Labs.Soak;

/// <summary>The chaos while the producer runs: each planned action carried out on the members or the embedded broker.</summary>
public sealed partial class SoakConductor
{
    /// <summary>Carries out the plan while the producer runs; restarts a member that ended on its own.</summary>
    private async Task ChaosAsync(IReadOnlyList<ChaosAction> plan, Stopwatch produceClock, Task producing)
    {
        int next = 0;
        while (!producing.IsCompleted)
        {
            await Task.WhenAny(producing, Task.Delay(Tick));
            // Ctrl+C: no more chaos; the action under way has undone its fault (ActAsync's finally).
            if (ctx.Cancellation.IsCancellationRequested) return;
            await SuperviseAsync();
            if (next < plan.Count && produceClock.Elapsed >= plan[next].At && !producing.IsCompleted)
            {
                try
                {
                    await ActAsync(plan[next++], produceClock);
                }
                catch (OperationCanceledException) when (ctx.Cancellation.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private async Task ActAsync(ChaosAction action, Stopwatch produceClock)
    {
        var live = Live();
        string detail;
        switch (action.Kind)
        {
            case ChaosKind.Kill when live.Count > 0:
            {
                var target = live[action.Pick % live.Count];
                await target.KillAsync();
                Forget(target);
                await Task.Delay(RestartDelay, ctx.Cancellation);
                var again = StartMember(target.Name);
                detail = $"kill -9 {target.Label}; restarted {RestartDelay.TotalSeconds:0} s later as pid {again.ProcessId}";
                break;
            }
            case ChaosKind.Stop when live.Count > 0:
            {
                var target = live[action.Pick % live.Count];
                await target.StopAsync();
                Forget(target);
                var again = StartMember(target.Name);
                detail = $"SIGTERM {target.Label} (exit code {target.ExitCode}); restarted as pid {again.ProcessId}";
                break;
            }
            case ChaosKind.Join when live.Count(m => !_base.Contains(m.Name)) < 2:
                detail = $"{StartMember(NextName()).Label} joins the group";
                break;
            case ChaosKind.Join:
            {
                var extra = live.Where(m => !_base.Contains(m.Name)).MaxBy(m => m.Id)!;
                await extra.StopAsync();
                Forget(extra);
                detail = $"{extra.Label} leaves the group (SIGTERM; two members had already joined)";
                break;
            }
            case ChaosKind.LeaderMove:
                detail = MoveLeader(action.Pick);
                break;
            case ChaosKind.BrokerDown:
            {
                var cluster = broker.Embedded!.Cluster;
                int id = 1 + action.Pick % cluster.BrokerCount;
                cluster.SetBrokerDown(id);
                // Said as it starts: for three seconds the producer's backlog grows, and a learner
                // watching sees why the acknowledgements pause.
                Record(action, produceClock, $"broker {id} down for {BrokerDownFor.TotalSeconds:0} s, then up");
                try
                {
                    await Task.Delay(BrokerDownFor, ctx.Cancellation);
                }
                finally
                {
                    cluster.SetBrokerUp(id);
                }
                return;
            }
            default:
                detail = "no member to act on";
                break;
        }
        Record(action, produceClock, detail);
    }

    private void Record(ChaosAction action, Stopwatch produceClock, string detail)
    {
        var e = new ChaosEvent(Math.Round(produceClock.Elapsed.TotalSeconds, 1), Describe(action.Kind), detail);
        lock (_chaos) _chaos.Add(e);
        ctx.Output.Emit(e);
    }

    private string MoveLeader(int pick)
    {
        var cluster = broker.Embedded!.Cluster;
        int partition = pick % _partitions;
        using var admin = new AdminClientBuilder(broker.AdminConfig(config)).SetLogHandler((_, _) => { }).Build();
        int leader = admin.GetMetadata(_topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Single(p => p.PartitionId == partition).Leader;
        var others = cluster.BrokerIds.Where(id => id != leader).ToList();
        if (others.Count == 0) return $"partition {partition} has one broker to lead it; nothing moved";
        int target = others[pick / _partitions % others.Count];
        cluster.SetPartitionLeader(_topic, partition, target);
        return $"leader of {_topic}-{partition} moves from broker {leader} to broker {target}";
    }

    private static string Describe(ChaosKind kind) => kind switch
    {
        ChaosKind.Kill => "kill -9 + restart",
        ChaosKind.Stop => "SIGTERM + restart",
        ChaosKind.Join => "member joins",
        ChaosKind.LeaderMove => "leader moves",
        _ => "broker down + up",
    };
}
