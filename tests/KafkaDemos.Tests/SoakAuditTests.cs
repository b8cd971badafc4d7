using KafkaDemos.Labs;
using KafkaDemos.Labs.Soak;

namespace KafkaDemos.Tests;

/// <summary>
/// The soak lab's final check on small histories written by hand: each verdict holds for the
/// history that earns it, and fails for the same history with one thing broken.
/// </summary>
public sealed class SoakAuditTests
{
    /// <summary>
    /// consumer-1 owns partition 0, processes offsets 0..3 (numbers 10..13), commits offset 2 and is
    /// killed; consumer-2 is given partition 0 and processes from offset 2. Optionally it commits
    /// more first, or is never killed, or the group ends committed short of the log end, or consumer-2's
    /// client reports an offset reset.
    /// </summary>
    private static (SoakSnapshot, List<LogPartition>, List<StoredRecord>) KillAndTakeOver(
        long committedByFirst = 2, bool killFirst = true, long secondStartsAt = 2, long? finalCommit = 4, bool ackExtra = false, long? secondResetFrom = null)
    {
        var history = new SoakHistory();
        for (long n = 10; n < 14; n++) history.Acked(n);
        if (ackExtra) history.Acked(99);
        history.Started(1, "consumer-1");
        history.Assigned(1, [0]);
        for (long o = 0; o < 4; o++) history.Processed(1, 0, o, 10 + o, DateTime.UtcNow);
        history.Committed(1, 0, committedByFirst);
        if (killFirst) history.Ended(1, OwnershipEnd.Killed);
        history.Started(2, "consumer-2");
        history.Assigned(2, [0]);
        if (secondResetFrom is long reset) history.OffsetReset(2, 0, reset);
        for (long o = secondStartsAt; o < 4; o++) history.Processed(2, 0, o, 10 + o, DateTime.UtcNow);
        if (finalCommit is long c) history.Committed(2, 0, c);
        history.Ended(2, OwnershipEnd.Stopped);
        var log = new List<LogPartition> { new(0, 0, 4, finalCommit ?? committedByFirst) };
        var stored = Enumerable.Range(0, 4).Select(o => new StoredRecord(0, o, $"{10 + o}", $"soak_{10 + o}")).ToList();
        return (history.Snapshot(), log, stored);
    }

    [Fact]
    public void Records_processed_again_after_the_committed_offset_of_a_killed_owner_are_explained_by_the_kill()
    {
        var (history, log, stored) = KillAndTakeOver();

        var verdict = SoakAudit.Check(history, log, stored);

        Assert.Equal(0, verdict.Lost);
        Assert.Equal(2, verdict.Duplicates);
        Assert.Empty(verdict.Unexplained);
        Assert.Equal(2, verdict.ExplainedBy[SoakAudit.Describe(OwnershipEnd.Killed)]);
        Assert.Equal(0, verdict.LogUnprocessed);
        Assert.True(verdict.CommittedAtLogEnd);
    }

    [Fact]
    public void A_record_processed_again_below_the_committed_offset_is_unexplained()
    {
        // The new owner starts at offset 1 although offset 2 was committed: offset 1 comes again for no reason.
        var (history, log, stored) = KillAndTakeOver(secondStartsAt: 1);

        var verdict = SoakAudit.Check(history, log, stored);

        Assert.Equal(3, verdict.Duplicates);
        var unexplained = Assert.Single(verdict.Unexplained);
        Assert.Equal(11, unexplained.Number);
        Assert.Contains("committed offset 2", unexplained.Why);
    }

    [Fact]
    public void A_record_processed_by_a_second_member_while_the_first_still_owns_the_partition_is_unexplained()
    {
        var (history, log, stored) = KillAndTakeOver(killFirst: false);

        var verdict = SoakAudit.Check(history, log, stored);

        Assert.Equal(2, verdict.Unexplained.Count);
        Assert.All(verdict.Unexplained, u => Assert.Contains("still owned partition 0", u.Why));
    }

    [Fact]
    public void An_acknowledged_record_nobody_processed_is_lost()
    {
        var (history, log, stored) = KillAndTakeOver(ackExtra: true);

        var verdict = SoakAudit.Check(history, log, stored);

        Assert.Equal(1, verdict.Lost);
        Assert.Equal([99L], verdict.LostSample);
    }

    [Fact]
    public void A_log_record_no_member_processed_and_a_commit_short_of_the_log_end_are_reported()
    {
        var (history, log, stored) = KillAndTakeOver(finalCommit: null);
        stored.Add(new StoredRecord(0, 4, "14", "soak_14"));
        log[0] = log[0] with { High = 5 };

        var verdict = SoakAudit.Check(history, log, stored);

        Assert.Equal(1, verdict.LogUnprocessed);
        Assert.Equal(["0@4"], verdict.LogUnprocessedSample);
        Assert.False(verdict.CommittedAtLogEnd);
    }

    [Fact]
    public void A_number_read_at_two_offsets_was_written_twice_by_the_broker()
    {
        var history = new SoakHistory();
        history.Acked(7);
        history.Assigned(1, [0]);
        history.Processed(1, 0, 0, 7, null);
        history.Processed(1, 0, 1, 7, null);
        history.Committed(1, 0, 2);

        var verdict = SoakAudit.Check(history.Snapshot(), [new LogPartition(0, 0, 2, 2)],
            [new StoredRecord(0, 0, "7", "soak_7"), new StoredRecord(0, 1, "7", "soak_7")]);

        Assert.Equal(1, verdict.Duplicates);
        Assert.Empty(verdict.Unexplained);
        Assert.Equal(1, verdict.ExplainedBy.Single().Value);
        Assert.Contains("written twice", verdict.ExplainedBy.Single().Key);
    }

    [Fact]
    public void Records_read_again_below_the_committed_offset_after_the_new_owners_reported_reset_are_explained_by_it()
    {
        var (history, log, stored) = KillAndTakeOver(secondStartsAt: 0, secondResetFrom: 2);

        var verdict = SoakAudit.Check(history, log, stored);

        Assert.Equal(4, verdict.Duplicates);
        Assert.Empty(verdict.Unexplained);
        Assert.Equal(2, verdict.ExplainedBy[SoakAudit.ResetCause]);
        Assert.Equal(2, verdict.ExplainedBy[SoakAudit.Describe(OwnershipEnd.Killed)]);
    }

    /// <summary>The control: a reset from below the offsets read again explains none of them.</summary>
    [Fact]
    public void A_reset_from_below_the_records_read_again_does_not_explain_them()
    {
        var (history, log, stored) = KillAndTakeOver(secondStartsAt: 0, secondResetFrom: 1);

        var verdict = SoakAudit.Check(history, log, stored);

        Assert.Equal(1, verdict.ExplainedBy[SoakAudit.ResetCause]);
        var unexplained = Assert.Single(verdict.Unexplained);
        Assert.Equal(11, unexplained.Number);
    }
}
