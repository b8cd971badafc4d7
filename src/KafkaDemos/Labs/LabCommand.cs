using System.CommandLine;
using KafkaDemos.Labs.Commits;
using KafkaDemos.Labs.Database;
using KafkaDemos.Labs.Delivery;
using KafkaDemos.Labs.Rebalance;
using KafkaDemos.Labs.Soak;

namespace KafkaDemos.Labs;

/// <summary>`demo lab`: experiments that reproduce one lesson of the course live and check it by reading back what happened.</summary>
public static class LabCommand
{
    public static Command Create()
    {
        var embedded = new Option<bool>("--embedded") { Description = "Use the embedded broker even if the configured one answers" };
        return new Command("lab", """
            Experiments that reproduce one lesson of the course live, with numbers read back from the broker:
              rebalance  consumers join and leave a group; the assignment after every change
              delivery   acks and idempotence under injected faults: what arrived once, twice, never
              commits    each commit strategy crashed mid-batch: what was processed twice, never
              sink       the course's database consumer killed mid-run: what the table holds twice, never
              soak       minutes of load while members are killed, restarted and joined: nothing acknowledged lost

            Examples:
              demo lab rebalance
              demo lab delivery --embedded --count 2000 --seed 7
              demo lab commits -o json
              demo lab sink --runs 5
            """)
        {
            RebalanceLab.Create(embedded),
            DeliveryLab.Create(embedded),
            CommitsLab.Create(embedded),
            SinkLab.Create(embedded),
            SoakLab.Create(embedded),
        };
    }
}
