using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Payouts;

/// <summary>
/// A program's payouts summed by status, kept by the database itself: triggers on the payouts table (migration
/// PayoutTotals) change these rows in the same statement, so in the same transaction, as every insert, transition or
/// delete of a payout, whatever code or SQL made it. Stats read them instead of summing a million payouts. Remit never
/// writes them. Each amount is kept as two sums, of the amounts' high and low 32 bits (PayoutStatsQuery.Join): exact
/// past a long, as the sums of the payouts themselves are.
/// </summary>
public sealed class PayoutTotals
{
    public long ProgramId { get; set; }
    public long PendingCount { get; set; }
    public long PendingHigh { get; set; }
    public long PendingLow { get; set; }
    /// <summary>Affiliates with at least one pending payout: the rows of <see cref="PayoutPendingAffiliate"/>.</summary>
    public long PendingAffiliates { get; set; }
    public long ProcessingCount { get; set; }
    public long ProcessingHigh { get; set; }
    public long ProcessingLow { get; set; }
    public long FailedCount { get; set; }
    /// <summary>Completed payouts of all time (migration PayoutCompletedCount): with the three counts above, every payout.</summary>
    public long CompletedCount { get; set; }
}

/// <summary>How many pending payouts an affiliate has, while they have one: what makes the count of such affiliates exact.</summary>
public sealed class PayoutPendingAffiliate
{
    public long ProgramId { get; set; }
    public long AffiliateId { get; set; }
    public long Payouts { get; set; }
}

/// <summary>
/// Completed payouts summed by the quarter hour (UTC) of their completion. Every time zone's offset is a whole number of
/// quarter hours, so a month in any program's zone is a run of whole slots: "completed this month" sums at most 2,976
/// rows however many payouts the month paid.
/// </summary>
public sealed class PayoutCompletedSlot
{
    public const long Seconds = 900;

    public long ProgramId { get; set; }
    /// <summary>Seconds since 1970-01-01T00:00Z of the completion, divided by <see cref="Seconds"/>.</summary>
    public long Slot { get; set; }
    public long Count { get; set; }
    public long High { get; set; }
    public long Low { get; set; }

    private const long Ticks = Seconds * TimeSpan.TicksPerSecond;

    /// <summary>The slot an instant falls in (the triggers compute the same from completed_at).</summary>
    public static long Of(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / Ticks;

    /// <summary>Whether an instant is the first of its slot: a month's bounds in the program's zone must be.</summary>
    public static bool Starts(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) % Ticks == 0;
}

internal sealed class PayoutTotalsConfiguration : IEntityTypeConfiguration<PayoutTotals>
{
    public void Configure(EntityTypeBuilder<PayoutTotals> b)
    {
        b.ToTable("payout_totals");
        b.HasKey(t => t.ProgramId);
        b.Property(t => t.ProgramId).ValueGeneratedNever();
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(t => t.ProgramId);
    }
}

internal sealed class PayoutPendingAffiliateConfiguration : IEntityTypeConfiguration<PayoutPendingAffiliate>
{
    public void Configure(EntityTypeBuilder<PayoutPendingAffiliate> b)
    {
        b.ToTable("payout_pending_affiliates");
        b.HasKey(a => new { a.ProgramId, a.AffiliateId });
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(a => a.ProgramId);
        b.HasOne<Affiliates.Affiliate>().WithMany().HasForeignKey(a => a.AffiliateId);
    }
}

internal sealed class PayoutCompletedSlotConfiguration : IEntityTypeConfiguration<PayoutCompletedSlot>
{
    public void Configure(EntityTypeBuilder<PayoutCompletedSlot> b)
    {
        b.ToTable("payout_completed_slots");
        b.HasKey(s => new { s.ProgramId, s.Slot });
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(s => s.ProgramId);
    }
}
