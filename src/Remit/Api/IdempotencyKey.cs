using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Remit.Data;

namespace Remit.Api;

/// <summary>
/// A claimed idempotency key (the API's Idempotency-Key header, or a dashboard form's one-time token): the request it
/// was first used with (as a fingerprint) and, once that request finished, the answer to give again.
/// </summary>
public sealed class IdempotencyKey
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public required string Key { get; set; }
    /// <summary>SHA-256 of method, path with query, and body bytes: "the same request".</summary>
    public required string Fingerprint { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    /// <summary>Null while the first request is still running.</summary>
    public DateTime? CompletedAt { get; set; }
    public int? StatusCode { get; set; }
    public string? ContentType { get; set; }
    public string? Location { get; set; }
    public byte[]? Body { get; set; }
}

/// <summary>What claiming a key found.</summary>
public enum ClaimResult
{
    /// <summary>The key was free and is now this request's: run it, then <see cref="IdempotencyStore.CompleteAsync"/>.</summary>
    Claimed,
    /// <summary>The same request finished before: answer its stored answer again.</summary>
    Replay,
    /// <summary>The same request is still running.</summary>
    InUse,
    /// <summary>The key was used with another request.</summary>
    Reused,
}

/// <summary>
/// The store of keys, shared by the API middleware and the dashboard's form tokens. A key is claimed by one INSERT
/// under the unique (program, key) index — never read-then-write — so of any number of concurrent requests with one
/// key, in one process or many, exactly one runs.
/// </summary>
public static class IdempotencyStore
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    public static string Fingerprint(string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"{method}\n{pathAndQuery}\n"));
        sha.AppendData(body);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    public static async Task<(ClaimResult Result, IdempotencyKey? Stored)> ClaimAsync(RemitDb db, long programId, string key, string fingerprint,
        DateTime now, CancellationToken ct)
    {
        // An expired key is free again: removed first (with the program's other expired keys), then claimed as new.
        await db.IdempotencyKeys.IgnoreQueryFilters().Where(k => k.ProgramId == programId && k.ExpiresAt <= now).ExecuteDeleteAsync(ct);
        var expires = now + Lifetime;
        // Twice at most: a key released (its first request failed on our side) between the INSERT and the read is free again.
        for (var attempt = 0; ; attempt++)
        {
            var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO idempotency_keys (program_id, key, fingerprint, created_at, expires_at) VALUES ({programId}, {key}, {fingerprint}, {now}, {expires}) ON CONFLICT (program_id, key) DO NOTHING", ct);
            if (inserted == 1) return (ClaimResult.Claimed, null);
            var stored = await db.IdempotencyKeys.IgnoreQueryFilters().AsNoTracking()
                .SingleOrDefaultAsync(k => k.ProgramId == programId && k.Key == key, ct);
            if (stored is null && attempt == 0) continue;
            if (stored is null) return (ClaimResult.InUse, null);
            if (stored.Fingerprint != fingerprint) return (ClaimResult.Reused, stored);
            return (stored.CompletedAt is null ? ClaimResult.InUse : ClaimResult.Replay, stored);
        }
    }

    public static Task CompleteAsync(RemitDb db, long programId, string key, int status, string? contentType, string? location, byte[]? body,
        DateTime now, CancellationToken ct) =>
        db.IdempotencyKeys.IgnoreQueryFilters().Where(k => k.ProgramId == programId && k.Key == key).ExecuteUpdateAsync(s => s
            .SetProperty(k => k.CompletedAt, now)
            .SetProperty(k => k.StatusCode, status)
            .SetProperty(k => k.ContentType, contentType)
            .SetProperty(k => k.Location, location)
            .SetProperty(k => k.Body, body), ct);

    /// <summary>Frees a key whose request failed on our side (nothing was stored to replay); a retry runs it anew.</summary>
    public static Task ReleaseAsync(RemitDb db, long programId, string key, CancellationToken ct) =>
        db.IdempotencyKeys.IgnoreQueryFilters().Where(k => k.ProgramId == programId && k.Key == key && k.CompletedAt == null).ExecuteDeleteAsync(ct);
}

internal sealed class IdempotencyKeyConfiguration : IEntityTypeConfiguration<IdempotencyKey>
{
    public void Configure(EntityTypeBuilder<IdempotencyKey> b)
    {
        b.ToTable("idempotency_keys");
        b.Property(k => k.Key).HasMaxLength(300);
        b.Property(k => k.Fingerprint).HasMaxLength(64);
        b.Property(k => k.ContentType).HasMaxLength(200);
        b.Property(k => k.Location).HasMaxLength(2000);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(k => k.ProgramId);
        // The claim: one INSERT … ON CONFLICT DO NOTHING against this index decides which request runs.
        b.HasIndex(k => new { k.ProgramId, k.Key }).IsUnique();
        b.HasIndex(k => new { k.ProgramId, k.ExpiresAt });
    }
}
