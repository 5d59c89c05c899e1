using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Remit.Api;
using Remit.Data;

namespace Remit.Portal;

/// <summary>
/// A signed-in affiliate, held by the server as the dashboard's sessions are: the cookie carries a random key, the
/// table only its hash; every request checks the row, so signing out ends it for any copy of the cookie, and it ends
/// at <see cref="ExpiresAt"/> whatever the cookie says. Its own table: a portal session is never a merchant's.
/// </summary>
public sealed class PortalSession
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public long AffiliateId { get; set; }
    public required string KeyHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }

    public static string Hash(string key) => ApiToken.Hash(key);

    /// <summary>Starts a session for the affiliate and returns its key, for the cookie; the affiliate's ended sessions are swept.</summary>
    public static async Task<string> StartAsync(RemitDb db, long programId, long affiliateId, DateTime now, TimeSpan lifetime, CancellationToken ct)
    {
        await db.PortalSessions.Where(s => s.AffiliateId == affiliateId && s.ExpiresAt <= now).ExecuteDeleteAsync(ct);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        db.PortalSessions.Add(new PortalSession { ProgramId = programId, AffiliateId = affiliateId, KeyHash = Hash(key), CreatedAt = now, ExpiresAt = now + lifetime });
        await db.SaveChangesAsync(ct);
        return key;
    }

    public static Task EndAsync(RemitDb db, string key, CancellationToken ct) =>
        db.PortalSessions.Where(s => s.KeyHash == Hash(key)).ExecuteDeleteAsync(ct);
}

internal sealed class PortalSessionConfiguration : IEntityTypeConfiguration<PortalSession>
{
    public void Configure(EntityTypeBuilder<PortalSession> b)
    {
        b.ToTable("portal_sessions");
        b.Property(s => s.KeyHash).HasMaxLength(64);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(s => s.ProgramId);
        b.HasOne<Affiliates.Affiliate>().WithMany().HasForeignKey(s => s.AffiliateId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.KeyHash).IsUnique();
        b.HasIndex(s => s.AffiliateId);
    }
}
