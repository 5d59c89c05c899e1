using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Tax1099;

/// <summary>
/// A 1099-NEC return the merchant told Remit they filed (POST .../filed with the IRS receipt id): what was filed for
/// which payee and year. Never changed: a correction is a new row, and the latest row is what the IRS has. Comparing it
/// with the amount now tells whether a corrected return is due.
/// </summary>
public sealed class NecFiling
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public int TaxYear { get; set; }
    public long AffiliateId { get; set; }
    /// <summary>1 for the original, 2 for its first correction, …: unique per payee and year, so two racing "filed"
    /// requests cannot both record the same return.</summary>
    public int Sequence { get; set; }
    public long AmountCents { get; set; }
    public required string ReceiptId { get; set; }
    public DateTime FiledAt { get; set; }
    public bool Corrected => Sequence > 1;
}

internal sealed class NecFilingConfiguration : IEntityTypeConfiguration<NecFiling>
{
    public void Configure(EntityTypeBuilder<NecFiling> b)
    {
        b.ToTable("nec_filings");
        b.Ignore(f => f.Corrected);
        b.Property(f => f.ReceiptId).HasMaxLength(100);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(f => f.ProgramId);
        b.HasOne<Affiliates.Affiliate>().WithMany().HasForeignKey(f => f.AffiliateId);
        b.HasIndex(f => new { f.ProgramId, f.TaxYear, f.AffiliateId, f.Sequence }).IsUnique();
    }
}
