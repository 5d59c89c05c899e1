using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Remit.Payouts;

namespace Remit.Batches;

/// <summary>
/// Pending payouts of one method, moved to processing together and paid together: by a file the merchant hands to
/// their bank or PayPal, or sent through the PayPal Payouts API. Its payouts point at it (payouts.batch_id).
/// </summary>
public sealed class PayoutBatch
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public required string Method { get; set; }
    public string Status { get; set; } = BatchStatus.Open;
    /// <summary>Count and total are fixed at creation: a batch's payouts never change after it is made.</summary>
    public int Count { get; set; }
    public long TotalMinor { get; set; }
    public required string Currency { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>PayPal's payout_batch_id once PayPal accepted the batch.</summary>
    public string? ProviderBatchId { get; set; }
    /// <summary>Set while one request is sending, so a second send of the same batch waits instead of sending twice.</summary>
    public DateTime? SendStartedAt { get; set; }
    public DateTime? SentAt { get; set; }

    /// <summary>Who made it (actor type and id): the one person who may not approve it.</summary>
    public string? CreatedByType { get; set; }
    public string? CreatedById { get; set; }
    /// <summary>
    /// Fixed at creation from the program's approval_threshold: raising the threshold afterwards cannot release a batch
    /// that needed a second person.
    /// </summary>
    public bool RequiresApproval { get; set; }
    public DateTime? ApprovedAt { get; set; }
    public string? ApprovedByType { get; set; }
    public string? ApprovedById { get; set; }
    public string? ApprovedByName { get; set; }

    /// <summary>
    /// Our sender_batch_id at PayPal: stable for the batch, so a retry after a timeout is recognised by PayPal as the
    /// same batch and never pays twice. The program id keeps it unique across tenants sharing one PayPal account.
    /// </summary>
    public string SenderBatchId => $"remit-{ProgramId}-{Id}";
}

public static class BatchStatus
{
    public const string Open = "open", Sent = "sent", Completed = "completed", PartiallyFailed = "partially_failed", Failed = "failed";
    public static readonly string[] All = [Open, Sent, Completed, PartiallyFailed, Failed];

    /// <summary>
    /// Derived from its payouts: while any is still processing the batch stays open (or sent); then completed when all
    /// completed, failed when all failed, partially_failed in between.
    /// </summary>
    public static string Derive(bool sent, int processing, int completed, int failed) =>
        processing > 0 ? (sent ? Sent : Open)
        : failed == 0 ? Completed
        : completed == 0 ? Failed
        : PartiallyFailed;
}

internal sealed class PayoutBatchConfiguration : IEntityTypeConfiguration<PayoutBatch>
{
    public void Configure(EntityTypeBuilder<PayoutBatch> b)
    {
        b.ToTable("payout_batches");
        b.Property(x => x.Method).HasMaxLength(20);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.ProviderBatchId).HasMaxLength(64);
        b.Property(x => x.CreatedByType).HasMaxLength(20);
        b.Property(x => x.CreatedById).HasMaxLength(64);
        b.Property(x => x.ApprovedByType).HasMaxLength(20);
        b.Property(x => x.ApprovedById).HasMaxLength(64);
        b.Property(x => x.ApprovedByName).HasMaxLength(320);
        b.Ignore(x => x.SenderBatchId);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(x => x.ProgramId);
        b.HasIndex(x => new { x.ProgramId, x.CreatedAt });
        // PayPal's webhooks name the batch by PayPal's id only; this finds its program.
        b.HasIndex(x => x.ProviderBatchId).IsUnique().HasFilter("provider_batch_id IS NOT NULL");
    }
}
