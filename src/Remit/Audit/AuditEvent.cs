using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Audit;

/// <summary>Who did what to which row, from which status to which, when. A payout's status history is read from here.</summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public required string ActorType { get; set; }
    public string? ActorId { get; set; }
    public string? ActorName { get; set; }
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public long EntityId { get; set; }
    public string? FromStatus { get; set; }
    public string? ToStatus { get; set; }
    public string? Notes { get; set; }
    public DateTime At { get; set; }
}

/// <summary>The one doing an action: an API token, a dashboard user, or the system itself (schedule, demo seed).</summary>
public sealed record Actor(string Type, string? Id, string? Name)
{
    public static readonly Actor System = new("system", null, "system");
    /// <summary>PayPal reporting an item's outcome (sync or webhook): the system acting on PayPal's word.</summary>
    public static readonly Actor PayPal = new("system", "paypal", "paypal");
    public static Actor Token(long id, string name) => new("token", id.ToString(CultureInfo.InvariantCulture), name);
    public static Actor User(long id, string email) => new("user", id.ToString(CultureInfo.InvariantCulture), email);
    /// <summary>An affiliate acting on their own account in the portal.</summary>
    public static Actor Affiliate(long id, string name) => new("affiliate", id.ToString(CultureInfo.InvariantCulture), name);

    public AuditEvent Record(long programId, string action, string entityType, long entityId, DateTime at,
        string? from = null, string? to = null, string? notes = null) => new()
    {
        ProgramId = programId, ActorType = Type, ActorId = Id, ActorName = Name, Action = action,
        EntityType = entityType, EntityId = entityId, FromStatus = from, ToStatus = to, Notes = notes, At = at,
    };
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("audit_events");
        b.Property(e => e.ActorType).HasMaxLength(20);
        b.Property(e => e.ActorId).HasMaxLength(64);
        b.Property(e => e.ActorName).HasMaxLength(320);
        b.Property(e => e.Action).HasMaxLength(64);
        b.Property(e => e.EntityType).HasMaxLength(32);
        b.Property(e => e.FromStatus).HasMaxLength(20);
        b.Property(e => e.ToStatus).HasMaxLength(20);
        b.Property(e => e.Notes).HasMaxLength(2000);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(e => e.ProgramId);
        b.HasIndex(e => new { e.ProgramId, e.EntityType, e.EntityId, e.At });
    }
}
