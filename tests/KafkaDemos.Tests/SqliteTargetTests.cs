using Confluent.Kafka;
using KafkaDemos.Sink;

namespace KafkaDemos.Tests;

/// <summary>
/// The SQLite target's two ways of writing, read back by <see cref="TableCount"/>: the course's insert
/// writes a record again when it comes again; a write with its position does not.
/// </summary>
public sealed class SqliteTargetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string File => Path.Combine(_dir.Path, "numbers.db");

    private static SinkRow Row(int partition, long offset, int num) => new("testnum", partition, offset, $"{num}", $"{{\"num\": {num}}}");

    private static TopicPartitionOffset At(int partition, long offset) => new("testnum", partition, offset);

    [Fact]
    public void A_record_written_with_its_position_is_not_written_again_when_it_comes_again()
    {
        using (var target = SinkAddress.Parse($"sqlite:{File}").Open("testnum", TimeSpan.FromSeconds(1)))
        {
            Assert.Equal(PositionedWrite.Stored, target.WriteWithPosition(Row(0, 0, 0), At(0, 0)));
            Assert.Equal(PositionedWrite.Stored, target.WriteWithPosition(Row(0, 1, 1), At(0, 1)));
            // A replay from an older position: the stored position is past these records.
            Assert.Equal(PositionedWrite.AlreadyStored, target.WriteWithPosition(Row(0, 0, 0), At(0, 0)));
            Assert.Equal(PositionedWrite.AlreadyStored, target.WriteWithPosition(Row(0, 1, 1), At(0, 1)));
            // A skipped record moves the position without a row.
            Assert.Equal(PositionedWrite.Stored, target.WriteWithPosition(null, At(1, 0)));
            Assert.Equal(new Dictionary<int, long> { [0] = 2, [1] = 1 }, target.Positions("testnum"));
        }

        Assert.Equal(new TableCount(2, 2, 0, 0), TableCount.Read(File, "testnum", 2));
    }

    [Fact]
    public void The_courses_insert_writes_a_record_that_comes_again_twice()
    {
        using (var target = SinkAddress.Parse($"sqlite:{File}").Open("testnum", TimeSpan.FromSeconds(1)))
        {
            target.Insert(Row(0, 0, 0));
            target.Insert(Row(0, 1, 1));
            target.Insert(Row(0, 1, 1));
            Assert.Empty(target.Positions("testnum"));
        }

        var count = TableCount.Read(File, "testnum", 2);
        Assert.Equal(new TableCount(3, 2, 1, 0), count);
        Assert.False(count.ExactlyOnce(2));
    }

    [Fact]
    public void The_count_finds_duplicates_and_missing_numbers_and_exactly_once_only_when_there_are_none()
    {
        using (var target = SinkAddress.Parse($"sqlite:{File}").Open("t", TimeSpan.FromSeconds(1)))
        {
            foreach (var (offset, num) in new[] { (0, 0), (1, 1), (2, 1), (3, 3) }) target.Insert(Row(0, offset, num));
        }
        using (var target = SinkAddress.Parse($"sqlite:{File}").Open("u", TimeSpan.FromSeconds(1)))
        {
            for (int n = 0; n < 4; n++) target.Insert(Row(0, n, n));
        }

        var broken = TableCount.Read(File, "t", 4);
        var whole = TableCount.Read(File, "u", 4);

        Assert.Equal(new TableCount(4, 3, 1, 1), broken);
        Assert.False(broken.ExactlyOnce(4));
        Assert.Equal(new TableCount(4, 4, 0, 0), whole);
        Assert.True(whole.ExactlyOnce(4));
        Assert.False(whole.ExactlyOnce(5));
    }

    public void Dispose() => _dir.Dispose();
}
