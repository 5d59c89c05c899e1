using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Payouts;

public sealed class Payout
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public long AffiliateId { get; set; }
    /// <summary>Always the sum of its commissions, computed by the database when the payout is created.</summary>
    public long AmountMinor { get; set; }
    public required string Currency { get; set; }
    public string? Method { get; set; }
    /// <summary>
    /// Where the money was sent, as it was when the payout was made (later edits do not rewrite history), in the form
    /// a person may see: a PayPal email, or an account's type and last four characters.
    /// </summary>
    public string? Destination { get; set; }
    /// <summary>The bank account or wallet it was sent to, copied from the affiliate at creation (number encrypted).</summary>
    public Affiliates.PayoutAccount Account { get; set; } = Affiliates.PayoutAccount.None;
    /// <summary>The batch that moved it to processing, if one did.</summary>
    public long? BatchId { get; set; }
    public string Status { get; set; } = PayoutStatus.Pending;
    public string? Reference { get; set; }
    public string? Notes { get; set; }
    public string? FailureReason { get; set; }
    public required string Source { get; set; }
    public long? RequestId { get; set; }
    /// <summary>The payout day (program's calendar) a scheduled payout was made for; one per affiliate and day.</summary>
    public DateOnly? ScheduleDate { get; set; }
    public DateTime? PeriodStart { get; set; }
    public DateTime? PeriodEnd { get; set; }
    /// <summary>
    /// The affiliate's unconfirmed change of payout details this payout was made to (their UnconfirmedDetailsAt),
    /// until the merchant confirms that change: while set, the payout is held (PayoutHold).
    /// </summary>
    public DateTime? HeldForDetailsAt { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ProcessingAt { get; set; }
    public DateTime? CompletedAt { get; set; }
    public DateTime? FailedAt { get; set; }
    /// <summary>
    /// Money that came back after completion (a bank return, a PayPal reversal): the payout stays completed and is
    /// marked here; an adjustment commission owes the amount again.
    /// </summary>
    public DateTime? ReturnedAt { get; set; }
    public DateOnly? ReturnDate { get; set; }
    public string? ReturnCode { get; set; }
    public string? ReturnReason { get; set; }
    public Affiliates.Affiliate? Affiliate { get; set; }
}

/// <summary>Which commissions a payout was made of. Kept after a failure releases them, so history stays whole.</summary>
public sealed class PayoutCommission
{
    public long ProgramId { get; set; }
    public long PayoutId { get; set; }
    public long CommissionId { get; set; }
    public Commissions.Commission? Commission { get; set; }
}

public static class PayoutStatus
{
    public const string Pending = "pending", Processing = "processing", Completed = "completed", Failed = "failed";
    public static readonly string[] All = [Pending, Processing, Completed, Failed];
}

public static class PayoutSource
{
    public const string Schedule = "schedule", Request = "request", Manual = "manual";
}

/// <summary>
/// The seed's lifecycle table, verbatim: the only place that says which status may follow which. The API, bulk
/// actions and the dashboard ask this table; anything not in it is INVALID_STATUS.
/// </summary>
public static class PayoutLifecycle
{
    private static readonly Dictionary<string, string[]> AllowedFrom = new()
    {
        [PayoutStatus.Processing] = [PayoutStatus.Pending],
        [PayoutStatus.Completed] = [PayoutStatus.Pending, PayoutStatus.Processing],
        [PayoutStatus.Failed] = [PayoutStatus.Pending, PayoutStatus.Processing],
    };

    public static IReadOnlyList<string> From(string to) => AllowedFrom.TryGetValue(to, out var from) ? from : [];

    public static bool CanMove(string from, string to) => From(to).Contains(from);

    /// <summary>Whether moving to <paramref name="to"/> is paying (into processing, or completed): what the payout-details
    /// hold and the tax-form gate stop. Failing a held payout stays possible.</summary>
    public static bool Pays(string to) => to is PayoutStatus.Processing or PayoutStatus.Completed;

    public static IEnumerable<string> Next(string from) => AllowedFrom.Where(kv => kv.Value.Contains(from)).Select(kv => kv.Key);
}

internal sealed class PayoutConfiguration : IEntityTypeConfiguration<Payout>
{
    public void Configure(EntityTypeBuilder<Payout> b)
    {
        b.ToTable("payouts");
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.Method).HasMaxLength(20);
        b.Property(p => p.Destination).HasMaxLength(320);
        b.Property(p => p.Status).HasMaxLength(20);
        b.Property(p => p.Reference).HasMaxLength(255);
        b.Property(p => p.Notes).HasMaxLength(2000);
        b.Property(p => p.FailureReason).HasMaxLength(2000);
        b.Property(p => p.Source).HasMaxLength(20);
        b.Property(p => p.ReturnCode).HasMaxLength(20);
        b.Property(p => p.ReturnReason).HasMaxLength(2000);
        b.ComplexProperty(p => p.Account, Affiliates.PayoutAccount.Map);
        b.HasOne<Batches.PayoutBatch>().WithMany().HasForeignKey(p => p.BatchId);
        // With the status: a batch's status refresh counts its payouts per status from the index alone, instead of
        // the planner walking every payout of the program through the (program, status, created) index.
        b.HasIndex(p => new { p.ProgramId, p.BatchId, p.Status });
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(p => p.ProgramId);
        b.HasOne(p => p.Affiliate).WithMany().HasForeignKey(p => p.AffiliateId);
        b.HasOne<Requests.PayoutRequest>().WithMany().HasForeignKey(p => p.RequestId);
        // One index per filter and sort the list offers, each led by the tenant. The newest-first lists order by
        // (created_at, id): with the id in the index, payouts made in the same instant (a schedule run makes thousands)
        // come out in order from the index, where PostgreSQL sorted every tie first (a second at a million payouts;
        // SQLite's indexes end in the rowid, the id, already).
        b.HasIndex(p => new { p.ProgramId, p.CreatedAt, p.Id });
        b.HasIndex(p => new { p.ProgramId, p.Status, p.CreatedAt, p.Id });
        b.HasIndex(p => new { p.ProgramId, p.CompletedAt });
        // Sorted by id (an export meant to match another system's, or resume from an id): SQLite otherwise took the
        // amount index for the tenant and sorted the whole program (a million payouts: the export's first byte after 15 s).
        b.HasIndex(p => new { p.ProgramId, p.Id });
        b.HasIndex(p => new { p.ProgramId, p.AmountMinor });
        b.HasIndex(p => new { p.ProgramId, p.AffiliateId, p.Status });
        b.HasIndex(p => new { p.ProgramId, p.Method, p.Status });
        // The schedule's guarantee: one payout per affiliate and payout day, whichever process runs it, however often.
        b.HasIndex(p => new { p.ProgramId, p.AffiliateId, p.ScheduleDate }).IsUnique().HasFilter("schedule_date IS NOT NULL");
        b.HasIndex(p => new { p.ProgramId, p.ScheduleDate });
    }
}

internal sealed class PayoutCommissionConfiguration : IEntityTypeConfiguration<PayoutCommission>
{
    public void Configure(EntityTypeBuilder<PayoutCommission> b)
    {
        b.ToTable("payout_commissions");
        b.HasKey(pc => new { pc.PayoutId, pc.CommissionId });
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(pc => pc.ProgramId);
        b.HasOne<Payout>().WithMany().HasForeignKey(pc => pc.PayoutId);
        b.HasOne(pc => pc.Commission).WithMany().HasForeignKey(pc => pc.CommissionId);
        b.HasIndex(pc => new { pc.ProgramId, pc.CommissionId });
        // A payout's commissions by the tenant and the payout: otherwise a payout's page picks the index above on
        // program_id alone and walks every link row of the program.
        b.HasIndex(pc => new { pc.ProgramId, pc.PayoutId });
    }
}
