using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Affiliates;

public sealed class Affiliate : Data.IVersioned
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }
    public string? Country { get; set; }
    public string Status { get; set; } = AffiliateStatus.Active;
    public string? PayoutMethod { get; set; }
    public string? PayPalEmail { get; set; }
    /// <summary>The bank account or wallet, when the method is bank or crypto.</summary>
    public PayoutAccount Account { get; set; } = PayoutAccount.None;

    /// <summary>
    /// Lower-cased "name email": PostgreSQL's LIKE is case-sensitive and SQLite's folds ASCII only, so a
    /// case-insensitive substring search needs one normalised column that both databases index the same way.
    /// </summary>
    public string SearchText { get; private set; } = "";

    /// <summary>
    /// When the affiliate last changed their own payout details in the portal, until the merchant confirms them
    /// (null: the details are the merchant's or confirmed). Payouts made meanwhile carry it and are held: PayoutHold.
    /// </summary>
    public DateTime? UnconfirmedDetailsAt { get; set; }

    public DateTime CreatedAt { get; set; }
    public int Version { get; set; }

    public void RefreshSearchText() => SearchText = Normalise($"{Name} {Email}");

    public static string Normalise(string text) => text.ToLowerInvariant();

    /// <summary>Where a payout to this affiliate goes, as a person may see it: copied onto the payout at creation.</summary>
    public string? Destination => Account.Label(PayoutMethod, PayPalEmail);
}

public static class AffiliateStatus
{
    public const string Active = "active", Disabled = "disabled";
    public static readonly string[] All = [Active, Disabled];
}

internal sealed class AffiliateConfiguration : IEntityTypeConfiguration<Affiliate>
{
    public void Configure(EntityTypeBuilder<Affiliate> b)
    {
        b.ToTable("affiliates");
        b.Property(a => a.Name).HasMaxLength(200);
        b.Property(a => a.Email).HasMaxLength(320);
        b.Property(a => a.Country).HasMaxLength(2);
        b.Property(a => a.Status).HasMaxLength(20);
        b.Property(a => a.PayoutMethod).HasMaxLength(20);
        b.Property(a => a.PayPalEmail).HasMaxLength(320);
        b.Property(a => a.SearchText).HasMaxLength(600);
        b.Ignore(a => a.Destination);
        b.Property(a => a.Version).IsConcurrencyToken();
        b.ComplexProperty(a => a.Account, PayoutAccount.Map);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(a => a.ProgramId);
        b.HasIndex(a => new { a.ProgramId, a.Status });
        // The list's order (name, then id): its first page reads 25 entries instead of sorting every affiliate (a
        // million: 0.6 s on SQLite, measured).
        b.HasIndex(a => new { a.ProgramId, a.Name, a.Id });
        b.HasIndex(a => new { a.ProgramId, a.SearchText });
    }
}
