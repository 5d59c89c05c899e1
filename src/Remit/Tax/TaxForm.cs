using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Tax;

/// <summary>
/// A signed W-9, W-8BEN or W-8BEN-E. Never edited once signed: a new form supersedes it (the old one stays, marked
/// superseded). The fields that identify a person to the IRS — TINs, foreign TIN, date of birth, owners' TINs — are
/// kept only encrypted (<see cref="SecretFields"/>, a SecretBox ciphertext of a JSON object), with the TIN's type and
/// last four beside them for display; the rest of the form is <see cref="Fields"/>, JSON with keys in order.
/// </summary>
public sealed class TaxForm
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public long AffiliateId { get; set; }
    /// <summary>w9 | w8ben | w8bene.</summary>
    public required string Kind { get; set; }
    public required string Revision { get; set; }
    /// <summary>valid | invalid | superseded, as stored; expiring and expired are read from <see cref="ExpiresAt"/> (<see cref="TaxFormStatus.Of"/>).</summary>
    public string Status { get; set; } = TaxFormStatus.Valid;
    public required string Fields { get; set; }
    public string? SecretFields { get; set; }
    /// <summary>The US TIN's type (ssn | itin | ein) and last four digits, when the form has one.</summary>
    public string? TinType { get; set; }
    public string? TinLast4 { get; set; }

    // The signature record (Announcement 98-27; Treas. Reg. §1.1441-1(e)(4)(iv)): who typed their name and affirmed,
    // when, from where, and a digest of exactly what they signed.
    public required string SignerName { get; set; }
    public DateTime SignedAt { get; set; }
    /// <summary>electronic (signed in the portal) | paper (a signed paper form the merchant recorded).</summary>
    public required string Source { get; set; }
    public string? SignerIp { get; set; }
    public string? SignerUserAgent { get; set; }
    /// <summary>
    /// SHA-256 (hex) of <see cref="TaxFormFields.Canonical"/>, encrypted: the canonical data holds the whole TIN, and
    /// a bare digest of a nine-digit number beside the form's other fields is a brute force away from it.
    /// </summary>
    public required string DigestSecret { get; set; }
    /// <summary>Who put it on file: the affiliate, a dashboard user or a token (actor type and id).</summary>
    public required string RecordedByType { get; set; }
    public string? RecordedById { get; set; }
    public DateTime RecordedAt { get; set; }

    /// <summary>The last day a W-8 is good for; null for a W-9.</summary>
    public DateOnly? ExpiresAt { get; set; }
    public DateTime? ExpiryNoticeAt { get; set; }
    public DateTime? SupersededAt { get; set; }
    public long? SupersededById { get; set; }
    public DateTime? InvalidatedAt { get; set; }
    public string? InvalidReason { get; set; }

    /// <summary>The IRS's bulk TIN matching answer: matched | mismatched, its code and when it was read.</summary>
    public string? TinMatch { get; set; }
    public int? TinMatchCode { get; set; }
    public DateTime? TinMatchedAt { get; set; }

    public FieldValues PublicFields() =>
        new(System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(Fields) ?? []);
}

public static class TaxFormStatus
{
    public const string Valid = "valid", Expiring = "expiring", Expired = "expired", Invalid = "invalid", Superseded = "superseded";
    /// <summary>An affiliate's <c>tax_form_status</c> besides a form's own: no form on file, or a plan without forms.</summary>
    public const string Missing = "missing", NotRequired = "not_required";

    /// <summary>How long before its expiry a W-8 counts as expiring and the affiliate is asked for a new one.</summary>
    public const int ExpiringDays = 90;

    /// <summary>A form's status on <paramref name="today"/>: its stored one, or expiring/expired by its expiry date.</summary>
    public static string Of(string stored, DateOnly? expiresAt, DateOnly today) => stored switch
    {
        Valid when expiresAt is { } e && e < today => Expired,
        Valid when expiresAt is { } e && e < today.AddDays(ExpiringDays) => Expiring,
        _ => stored,
    };

    /// <summary>Whether a form in this status lets payouts move (the gate): valid or expiring.</summary>
    public static bool Counts(string status) => status is Valid or Expiring;
}

public static class TaxFormSources
{
    public const string Electronic = "electronic", Paper = "paper";
}

internal sealed class TaxFormConfiguration : IEntityTypeConfiguration<TaxForm>
{
    public void Configure(EntityTypeBuilder<TaxForm> b)
    {
        b.ToTable("tax_forms");
        b.Property(f => f.Kind).HasMaxLength(10);
        b.Property(f => f.Revision).HasMaxLength(30);
        b.Property(f => f.Status).HasMaxLength(20);
        b.Property(f => f.Fields).HasMaxLength(20_000);
        b.Property(f => f.SecretFields).HasMaxLength(4000);
        b.Property(f => f.TinType).HasMaxLength(4);
        b.Property(f => f.TinLast4).HasMaxLength(4);
        b.Property(f => f.SignerName).HasMaxLength(200);
        b.Property(f => f.Source).HasMaxLength(20);
        b.Property(f => f.SignerIp).HasMaxLength(64);
        b.Property(f => f.SignerUserAgent).HasMaxLength(500);
        b.Property(f => f.DigestSecret).HasMaxLength(400);
        b.Property(f => f.RecordedByType).HasMaxLength(20);
        b.Property(f => f.RecordedById).HasMaxLength(64);
        b.Property(f => f.InvalidReason).HasMaxLength(500);
        b.Property(f => f.TinMatch).HasMaxLength(20);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(f => f.ProgramId);
        b.HasOne<Affiliates.Affiliate>().WithMany().HasForeignKey(f => f.AffiliateId);
        // One form in force per affiliate: two racing submissions cannot both stay current.
        b.HasIndex(f => new { f.ProgramId, f.AffiliateId }).IsUnique().HasFilter("superseded_at IS NULL");
        b.HasIndex(f => new { f.ProgramId, f.AffiliateId, f.SignedAt });
        b.HasIndex(f => new { f.ProgramId, f.ExpiresAt });
    }
}
