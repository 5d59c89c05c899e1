using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Remit.Api;
using Remit.Data;

namespace Remit.Dashboard.Account;

/// <summary>
/// A signed-in dashboard session, held by the server: the cookie carries a random key, the table only its SHA-256
/// hash. Every request checks the row, so signing out (the row is deleted) ends the session even for a copy of the
/// cookie, and a session ends at <see cref="ExpiresAt"/> whatever the cookie says.
/// </summary>
public sealed class DashboardSession
{
    public long Id { get; set; }
    public long UserId { get; set; }
    public required string KeyHash { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The absolute end: sign-in time plus <see cref="DashboardOptions.SessionLifetime"/>, never extended.</summary>
    public DateTime ExpiresAt { get; set; }

    /// <summary>A new session's key: 32 random bytes, as unguessable as an API token, so a fast hash is enough at rest.</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string key) => ApiToken.Hash(key);

    /// <summary>Starts a session for the user and returns its key, for the cookie; the user's ended sessions are swept.</summary>
    public static async Task<string> StartAsync(RemitDb db, long userId, DateTime now, TimeSpan lifetime, CancellationToken ct)
    {
        await db.Sessions.Where(s => s.UserId == userId && s.ExpiresAt <= now).ExecuteDeleteAsync(ct);
        var key = NewKey();
        db.Sessions.Add(new DashboardSession { UserId = userId, KeyHash = Hash(key), CreatedAt = now, ExpiresAt = now + lifetime });
        await db.SaveChangesAsync(ct);
        return key;
    }

    public static Task EndAsync(RemitDb db, string key, CancellationToken ct) =>
        db.Sessions.Where(s => s.KeyHash == Hash(key)).ExecuteDeleteAsync(ct);
}

/// <summary>Remit:Dashboard in the configuration.</summary>
public sealed class DashboardOptions
{
    /// <summary>How long a session lasts after signing in, however active (the 8-hour idle limit applies within it).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);
}

internal sealed class DashboardSessionConfiguration : IEntityTypeConfiguration<DashboardSession>
{
    public void Configure(EntityTypeBuilder<DashboardSession> b)
    {
        b.ToTable("dashboard_sessions");
        b.Property(s => s.KeyHash).HasMaxLength(64);
        b.HasOne<DashboardUser>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(s => s.KeyHash).IsUnique();
        b.HasIndex(s => s.UserId);
    }
}
