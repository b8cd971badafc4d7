namespace KafkaDemos.IntegrationTests.Infrastructure;

/// <summary>
/// Tests whose checks depend on a rebalance's timing on the embedded broker: it refuses a commit while
/// the group joins or syncs (Apache Kafka accepts it), so a revoke-time commit lands only when the
/// other members sync promptly. Run after the parallel tests, one at a time, they do not compete for
/// the two cores with hundreds of others.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RebalanceTiming
{
    public const string Name = "rebalance timing";
}
