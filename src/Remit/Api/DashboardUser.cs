using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Api;

/// <summary>A person who signs in to the dashboard.</summary>
public sealed class DashboardUser
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public required string Email { get; set; }
    public required string PasswordHash { get; set; }
    public string Role { get; set; } = UserRoles.Admin;
    public int FailedSignIns { get; set; }
    public DateTime? LockedUntil { get; set; }
    public DateTime CreatedAt { get; set; }
}

public static class UserRoles
{
    public const string Admin = "admin", Viewer = "viewer";
    public static readonly string[] All = [Admin, Viewer];
}

internal sealed class DashboardUserConfiguration : IEntityTypeConfiguration<DashboardUser>
{
    public void Configure(EntityTypeBuilder<DashboardUser> b)
    {
        b.ToTable("users");
        b.Property(u => u.Email).HasMaxLength(320);
        b.Property(u => u.PasswordHash).HasMaxLength(200);
        b.Property(u => u.Role).HasMaxLength(20);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(u => u.ProgramId);
        b.HasIndex(u => u.Email).IsUnique();
    }
}
