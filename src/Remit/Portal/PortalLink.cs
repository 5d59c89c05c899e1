using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Remit.Affiliates;
using Remit.Api;
using Remit.Audit;
using Remit.Data;

namespace Remit.Portal;

/// <summary>
/// A one-time sign-in link to the portal. Only the SHA-256 hash of its token is stored (like API tokens: 32 random
/// bytes are too long to guess, so a fast hash is enough), so the table cannot be used to sign in.
/// </summary>
public sealed class PortalLink
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public long AffiliateId { get; set; }
    public required string TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    /// <summary>Set by the one sign-in the link allows; a link with it set signs nobody in again.</summary>
    public DateTime? UsedAt { get; set; }
}

/// <summary>The answer of POST /v1/affiliates/{id}/portal-link; <c>emailed</c> says whether it also went to the affiliate.</summary>
public sealed record PortalLinkDto(string Url, DateTime ExpiresAt, bool Emailed = false);

/// <summary>Making and redeeming sign-in links: the API, the dashboard's button and the e-mail all come here.</summary>
public static class PortalLinks
{
    public static string Hash(string token) => ApiToken.Hash(token);

    /// <summary>
    /// A new link for an affiliate of the current program, audited with the one who made it. A disabled affiliate
    /// gets none (their sessions end too: <see cref="PortalAuth.ValidateAsync"/>).
    /// </summary>
    public static async Task<Outcome<PortalLinkDto>> CreateAsync(RemitDb db, long affiliateId, string publicBase, TimeSpan lifetime, Actor actor,
        TimeProvider clock, CancellationToken ct)
    {
        var affiliate = await db.Affiliates.AsNoTracking().Where(a => a.Id == affiliateId).Select(a => new { a.Id, a.Status }).SingleOrDefaultAsync(ct);
        if (affiliate is null) return Problem.NotFound("Affiliate not found.");
        if (affiliate.Status != AffiliateStatus.Active)
            return Problem.Invalid("id", "The affiliate is disabled; enable them before sending a sign-in link.");
        var now = clock.GetUtcNow().UtcDateTime;
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var link = new PortalLink { ProgramId = db.ProgramId, AffiliateId = affiliateId, TokenHash = Hash(token), CreatedAt = now, ExpiresAt = now + lifetime };
        // Links that can no longer be used are swept as new ones are made, so the table stays small.
        await db.PortalLinks.Where(l => l.AffiliateId == affiliateId && (l.UsedAt != null || l.ExpiresAt <= now)).ExecuteDeleteAsync(ct);
        db.PortalLinks.Add(link);
        db.AuditEvents.Add(actor.Record(db.ProgramId, "affiliate.portal_link.created", "affiliate", affiliateId, now,
            notes: $"expires {link.ExpiresAt:yyyy-MM-dd HH:mm} UTC"));
        await db.SaveChangesAsync(ct);
        PortalLog.For(db).LinkCreated(affiliateId, db.ProgramId, actor.Type, actor.Id);
        return Outcome<PortalLinkDto>.Ok(new PortalLinkDto(SignInUrl(publicBase, token), TruncateToSecond(link.ExpiresAt)));
    }

    public static string SignInUrl(string publicBase, string token) => $"{publicBase}/portal/sign-in/{token}";

    private static DateTime TruncateToSecond(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    /// <summary>Whether a link could still sign someone in (the sign-in page says so before offering its button).</summary>
    public static Task<bool> IsUsableAsync(RemitDb db, string token, DateTime now)
    {
        var hash = Hash(token);
        return db.PortalLinks.AnyAsync(l => l.TokenHash == hash && l.UsedAt == null && l.ExpiresAt > now);
    }

    /// <summary>
    /// Uses the link up and answers whose it was, or null. One conditional UPDATE: of any number of racing sign-ins
    /// with one link exactly one gets through, and a used or expired link never does.
    /// </summary>
    public static async Task<(long ProgramId, long AffiliateId)?> RedeemAsync(RemitDb db, string token, DateTime now, CancellationToken ct)
    {
        var hash = Hash(token);
        var used = await db.PortalLinks.Where(l => l.TokenHash == hash && l.UsedAt == null && l.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.UsedAt, now), ct);
        if (used != 1) return null;
        var link = await db.PortalLinks.AsNoTracking().Where(l => l.TokenHash == hash).Select(l => new { l.ProgramId, l.AffiliateId }).SingleAsync(ct);
        return (link.ProgramId, link.AffiliateId);
    }
}

internal sealed class PortalLinkConfiguration : IEntityTypeConfiguration<PortalLink>
{
    public void Configure(EntityTypeBuilder<PortalLink> b)
    {
        b.ToTable("portal_links");
        b.Property(l => l.TokenHash).HasMaxLength(64);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(l => l.ProgramId);
        b.HasOne<Affiliate>().WithMany().HasForeignKey(l => l.AffiliateId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(l => l.TokenHash).IsUnique();
        b.HasIndex(l => new { l.ProgramId, l.AffiliateId });
    }
}
