using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Api;

/// <summary>An API token: only its SHA-256 hash is stored; the token itself is shown once, when made.</summary>
public sealed class ApiToken
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public required string Name { get; set; }
    public required string TokenHash { get; set; }
    /// <summary>The first characters of the token, so a person can tell tokens apart in a list.</summary>
    public required string Prefix { get; set; }
    /// <summary>Space-separated scopes.</summary>
    public required string Scopes { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }

    public string[] ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    // 32 random bytes is far beyond guessing, so a fast hash is enough: no salt or stretching is needed to
    // protect it, unlike a password, and lookups stay one indexed equality.
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string NewSecret() => "rmt_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public static class Scopes
{
    public const string PayoutsRead = "payouts:read", PayoutsWrite = "payouts:write";
    public const string SettingsRead = "settings:read", SettingsWrite = "settings:write";
    public const string AffiliatesRead = "affiliates:read", AffiliatesWrite = "affiliates:write";
    public const string CommissionsRead = "commissions:read", CommissionsWrite = "commissions:write";
    /// <summary>Tax forms and TINs: apart from affiliates:*, as TINs are more sensitive than an affiliate's contact.</summary>
    public const string TaxRead = "tax:read", TaxWrite = "tax:write";

    public static readonly string[] All =
        [PayoutsRead, PayoutsWrite, SettingsRead, SettingsWrite, AffiliatesRead, AffiliatesWrite, CommissionsRead, CommissionsWrite, TaxRead, TaxWrite];
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> b)
    {
        b.ToTable("api_tokens");
        b.Property(t => t.Name).HasMaxLength(200);
        b.Property(t => t.TokenHash).HasMaxLength(64);
        b.Property(t => t.Prefix).HasMaxLength(16);
        b.Property(t => t.Scopes).HasMaxLength(500);
        b.Ignore(t => t.ScopeList);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(t => t.ProgramId);
        b.HasIndex(t => t.TokenHash).IsUnique();
        b.HasIndex(t => t.ProgramId);
    }
}
