using Confluent.Kafka;
using KafkaDemos.Sink;

namespace KafkaDemos.Tests;

/// <summary>
/// What `--commit db` needs of a target, asked of each one the same way: a record written with its
/// position is not written again; a position only moves with its row; a write the database refuses,
/// the row's or the position's, leaves no position behind, so the next run writes that record once.
/// </summary>
public abstract class SinkTargetContract : IDisposable
{
    protected const string Topic = "testnum";

    /// <summary>The target, opened on this test's database.</summary>
    protected abstract ISinkTarget Target { get; }

    /// <summary>From now on the database refuses (or accepts again) every write of a position.</summary>
    protected abstract void RefusePositions(bool refuse);

    /// <summary>From now on the database refuses (or accepts again) every write of a row.</summary>
    protected abstract void RefuseRows(bool refuse);

    /// <summary>The offsets of the rows in the table, one entry per row, in order.</summary>
    protected abstract IReadOnlyList<long> RowOffsets();

    /// <summary>
    /// Whether a row whose position write failed is still there afterwards. SQLite: no, one transaction.
    /// MongoDB (no transaction without a replica set): yes, and the next run writes it again over itself.
    /// </summary>
    protected abstract bool RowOutlivesAFailedPosition { get; }

    protected static SinkRow Row(int partition, long offset) => new(Topic, partition, offset, $"{offset}", $"{{\"num\": {offset}}}");

    protected static TopicPartitionOffset At(int partition, long offset) => new(Topic, partition, offset);

    [Fact]
    public void A_record_written_with_its_position_is_not_written_again_and_a_skipped_one_moves_the_position()
    {
        Assert.Equal(PositionedWrite.Stored, Target.WriteWithPosition(Row(0, 0), At(0, 0)));
        Assert.Equal(PositionedWrite.Stored, Target.WriteWithPosition(Row(0, 1), At(0, 1)));
        Assert.Equal(PositionedWrite.AlreadyStored, Target.WriteWithPosition(Row(0, 0), At(0, 0)));
        Assert.Equal(PositionedWrite.AlreadyStored, Target.WriteWithPosition(Row(0, 1), At(0, 1)));
        Assert.Equal(PositionedWrite.Stored, Target.WriteWithPosition(null, At(1, 0)));

        Assert.Equal(new Dictionary<int, long> { [0] = 2, [1] = 1 }, Target.Positions(Topic));
        Assert.Empty(Target.Positions("another-topic"));
        Assert.Equal([0L, 1L], RowOffsets());
    }

    [Fact]
    public void A_position_write_refused_after_the_row_was_written_leaves_the_position_where_it_was_and_the_retry_writes_the_record_once()
    {
        Target.WriteWithPosition(Row(0, 0), At(0, 0));
        RefusePositions(true);

        Assert.Throws<SinkWriteException>(() => Target.WriteWithPosition(Row(0, 1), At(0, 1)));
        // ... and for a partition with no position yet.
        Assert.Throws<SinkWriteException>(() => Target.WriteWithPosition(Row(1, 0), At(1, 0)));

        RefusePositions(false);
        Assert.Equal(new Dictionary<int, long> { [0] = 1 }, Target.Positions(Topic));
        Assert.Equal(RowOutlivesAFailedPosition ? [0L, 0L, 1L] : [0L], RowOffsets().Order());
        Assert.Equal(PositionedWrite.Stored, Target.WriteWithPosition(Row(0, 1), At(0, 1)));
        Assert.Equal(PositionedWrite.Stored, Target.WriteWithPosition(Row(1, 0), At(1, 0)));
        Assert.Equal([0L, 0L, 1L], RowOffsets().Order());
        Assert.Equal(new Dictionary<int, long> { [0] = 2, [1] = 1 }, Target.Positions(Topic));
    }

    [Fact]
    public void A_row_write_refused_stores_no_position_and_the_retry_writes_the_record_once()
    {
        Target.WriteWithPosition(Row(0, 0), At(0, 0));
        RefuseRows(true);

        Assert.Throws<SinkWriteException>(() => Target.WriteWithPosition(Row(0, 1), At(0, 1)));

        RefuseRows(false);
        Assert.Equal(new Dictionary<int, long> { [0] = 1 }, Target.Positions(Topic));
        Assert.Equal([0L], RowOffsets());
        Assert.Equal(PositionedWrite.Stored, Target.WriteWithPosition(Row(0, 1), At(0, 1)));
        Assert.Equal([0L, 1L], RowOffsets().Order());
    }

    public abstract void Dispose();
}
