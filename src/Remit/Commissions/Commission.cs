using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Remit.Payouts;

namespace Remit.Commissions;

public sealed class Commission
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public long AffiliateId { get; set; }
    public long AmountMinor { get; set; }
    public required string Currency { get; set; }
    public string? Description { get; set; }
    public string? Reference { get; set; }
    public string Kind { get; set; } = CommissionKind.Sale;
    public DateTime EarnedAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? VoidedAt { get; set; }

    /// <summary>On a claw-back (a negative adjustment): the paid commission it takes back.</summary>
    public long? ClawbackOf { get; set; }
    /// <summary>
    /// On a paid commission: how much of it claw-backs have taken back so far (positive minor units). Raised by one
    /// conditional UPDATE that refuses to pass the amount, so racing claw-backs never take back more than was paid.
    /// </summary>
    public long ClawedBackMinor { get; set; }

    /// <summary>The payout that holds this commission now (pending, processing or completed); null when free.</summary>
    public long? PayoutId { get; set; }
    public Payout? Payout { get; set; }
    public Affiliates.Affiliate? Affiliate { get; set; }
}

public static class CommissionKind
{
    public const string Sale = "sale", Adjustment = "adjustment";
}

/// <summary>
/// A commission's status is derived from the facts (voided, its payout's status, the hold period), never stored.
/// This is the one definition of "payable" that payouts, balances, lists and the dashboard all use.
/// </summary>
public static class CommissionStatus
{
    public const string Void = "void", Paid = "paid", InPayout = "in_payout", Pending = "pending", Approved = "approved";
    public static readonly string[] All = [Void, Paid, InPayout, Pending, Approved];

    /// <summary>Commissions earned at or before this instant are out of their hold period.</summary>
    public static DateTime PayableCutoff(DateTime now, int holdDays) => now.AddDays(-holdDays);

    // A negative row (a claw-back, a refund) is payable at once, whatever the hold days: holding it back would pay out
    // money the affiliate already owes.
    public static Expression<Func<Commission, bool>> IsPayable(DateTime cutoff) =>
        c => c.VoidedAt == null && c.PayoutId == null && (c.EarnedAt <= cutoff || c.AmountMinor < 0);

    public static Expression<Func<Commission, bool>> IsOnHold(DateTime cutoff) =>
        c => c.VoidedAt == null && c.PayoutId == null && c.EarnedAt > cutoff && c.AmountMinor >= 0;

    public static Expression<Func<Commission, bool>> Is(string status, DateTime cutoff) => status switch
    {
        Void => c => c.VoidedAt != null,
        Paid => c => c.VoidedAt == null && c.Payout!.Status == PayoutStatus.Completed,
        InPayout => c => c.VoidedAt == null && (c.Payout!.Status == PayoutStatus.Pending || c.Payout!.Status == PayoutStatus.Processing),
        Pending => IsOnHold(cutoff),
        Approved => IsPayable(cutoff),
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string Of(DateTime? voidedAt, string? payoutStatus, DateTime earnedAt, long amountMinor, DateTime cutoff) =>
        voidedAt is not null ? Void
        : payoutStatus == PayoutStatus.Completed ? Paid
        : payoutStatus is not null ? InPayout
        : earnedAt > cutoff && amountMinor >= 0 ? Pending
        : Approved;
}

internal sealed class CommissionConfiguration : IEntityTypeConfiguration<Commission>
{
    public void Configure(EntityTypeBuilder<Commission> b)
    {
        b.ToTable("commissions");
        b.Property(c => c.Currency).HasMaxLength(3);
        b.Property(c => c.Description).HasMaxLength(500);
        b.Property(c => c.Reference).HasMaxLength(255);
        b.Property(c => c.Kind).HasMaxLength(20);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(c => c.ProgramId);
        b.HasOne(c => c.Affiliate).WithMany().HasForeignKey(c => c.AffiliateId);
        b.HasOne(c => c.Payout).WithMany().HasForeignKey(c => c.PayoutId);
        b.HasOne<Commission>().WithMany().HasForeignKey(c => c.ClawbackOf);
        // The merchant's order id is unique within a program when given; the database enforces it under races.
        b.HasIndex(c => new { c.ProgramId, c.Reference }).IsUnique().HasFilter("reference IS NOT NULL");
        // Status is derived from (payout_id, voided_at, earned_at): with all three in the index, counting and
        // summing commissions by status reads the index alone, never the table.
        b.HasIndex(c => new { c.ProgramId, c.AffiliateId, c.PayoutId, c.VoidedAt, c.EarnedAt });
        b.HasIndex(c => new { c.ProgramId, c.PayoutId, c.VoidedAt, c.EarnedAt });
        b.HasIndex(c => new { c.ProgramId, c.EarnedAt });
    }
}
