using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Requests;

/// <summary>An affiliate asking to be paid before the schedule would pay them.</summary>
public sealed class PayoutRequest
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public long AffiliateId { get; set; }
    /// <summary>The payable balance when asked; the payout made on approval may differ.</summary>
    public long AmountMinor { get; set; }
    public required string Currency { get; set; }
    public string? Note { get; set; }
    public string Status { get; set; } = RequestStatus.Pending;
    public string? RejectionReason { get; set; }
    public long? PayoutId { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? DecidedAt { get; set; }
    public string? DecidedBy { get; set; }
    public Affiliates.Affiliate? Affiliate { get; set; }
}

public static class RequestStatus
{
    public const string Pending = "pending", Approved = "approved", Rejected = "rejected";
    public static readonly string[] All = [Pending, Approved, Rejected];
}

internal sealed class PayoutRequestConfiguration : IEntityTypeConfiguration<PayoutRequest>
{
    public void Configure(EntityTypeBuilder<PayoutRequest> b)
    {
        b.ToTable("payout_requests");
        b.Property(r => r.Currency).HasMaxLength(3);
        b.Property(r => r.Note).HasMaxLength(2000);
        b.Property(r => r.Status).HasMaxLength(20);
        b.Property(r => r.RejectionReason).HasMaxLength(2000);
        b.Property(r => r.DecidedBy).HasMaxLength(320);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(r => r.ProgramId);
        b.HasOne(r => r.Affiliate).WithMany().HasForeignKey(r => r.AffiliateId);
        b.HasIndex(r => new { r.ProgramId, r.Status, r.Id });
        // At most one pending request per affiliate, enforced by the database so two racing asks cannot both land.
        b.HasIndex(r => new { r.ProgramId, r.AffiliateId }).IsUnique().HasFilter("status = 'pending'");
    }
}
