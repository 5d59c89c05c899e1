using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Remit.Webhooks;

/// <summary>
/// A merchant's URL that hears about changes, in the Standard Webhooks form. The signing secret is a SecretBox
/// ciphertext; after a rotation the previous one keeps signing (a second signature) until it expires.
/// </summary>
public sealed class WebhookEndpoint
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public required string Url { get; set; }
    public string? Description { get; set; }
    /// <summary>The event types it wants, comma-separated.</summary>
    public required string Events { get; set; }
    public bool Enabled { get; set; } = true;
    public required string Secret { get; set; }
    public string? PreviousSecret { get; set; }
    public DateTime? PreviousSecretExpiresAt { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The first failed attempt since the last success: three days of nothing but failures disables it.</summary>
    public DateTime? FailingSince { get; set; }
    public DateTime? DisabledAt { get; set; }
    /// <summary>Why Remit disabled it (a merchant's own disabling leaves this empty); shown until it is enabled again.</summary>
    public string? DisabledReason { get; set; }

    public IReadOnlyList<string> EventList => Events.Split(',', StringSplitOptions.RemoveEmptyEntries);
    public bool Wants(string type) => EventList.Contains(type);
}

/// <summary>
/// The outbox: one row per event, written in the transaction of the change it tells about, with the exact body that
/// is sent (so every attempt and every replay sends the same bytes).
/// </summary>
public sealed class WebhookEvent
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    /// <summary>The webhook-id header: the same for every attempt and replay, so a receiver can drop duplicates.</summary>
    public required string MessageId { get; set; }
    public required string Type { get; set; }
    /// <summary>The object it is about ("payout:42"): one subject's events reach an endpoint in the order they happened.</summary>
    public required string Subject { get; set; }
    public required string Payload { get; set; }
    public DateTime CreatedAt { get; set; }
}

/// <summary>One event on its way to one endpoint: claimed by one process at a time (a lease), retried on the schedule.</summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public long EndpointId { get; set; }
    public long EventId { get; set; }
    public WebhookEvent? Event { get; set; }
    public required string Subject { get; set; }
    public string Status { get; set; } = DeliveryStatus.Pending;
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public DateTime? LeaseUntil { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime CreatedAt { get; set; }
}

public static class DeliveryStatus
{
    public const string Pending = "pending", Delivered = "delivered", Failed = "failed";
}

/// <summary>One try to deliver: the delivery log the merchant reads, and what a replay starts from.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; set; }
    public long ProgramId { get; set; }
    public long EndpointId { get; set; }
    public long DeliveryId { get; set; }
    public long EventId { get; set; }
    public required string EventType { get; set; }
    public int Attempt { get; set; }
    public int? StatusCode { get; set; }
    public string? Error { get; set; }
    public DateTime At { get; set; }
}

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> b)
    {
        b.ToTable("webhook_endpoints");
        b.Property(x => x.Url).HasMaxLength(WebhookEndpoints.MaxUrlLength);
        b.Property(x => x.Description).HasMaxLength(500);
        b.Property(x => x.Events).HasMaxLength(1000);
        b.Property(x => x.Secret).HasMaxLength(400);
        b.Property(x => x.PreviousSecret).HasMaxLength(400);
        b.Property(x => x.DisabledReason).HasMaxLength(500);
        b.Ignore(x => x.EventList);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(x => x.ProgramId);
        b.HasIndex(x => new { x.ProgramId, x.Enabled });
    }
}

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> b)
    {
        b.ToTable("webhook_events");
        b.Property(x => x.MessageId).HasMaxLength(40);
        b.Property(x => x.Type).HasMaxLength(64);
        b.Property(x => x.Subject).HasMaxLength(64);
        b.HasOne<Programs.AffiliateProgram>().WithMany().HasForeignKey(x => x.ProgramId);
        b.HasIndex(x => x.MessageId).IsUnique();
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.Property(x => x.Subject).HasMaxLength(64);
        b.Property(x => x.Status).HasMaxLength(20);
        b.Property(x => x.LeaseOwner).HasMaxLength(40);
        b.HasOne(x => x.Event).WithMany().HasForeignKey(x => x.EventId);
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.EndpointId).OnDelete(DeleteBehavior.Cascade);
        // What the deliverer looks for: pending rows that are due, and the earlier pending rows of one subject.
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
        b.HasIndex(x => new { x.EndpointId, x.Subject, x.Status });
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> b)
    {
        b.ToTable("webhook_attempts");
        b.Property(x => x.EventType).HasMaxLength(64);
        b.Property(x => x.Error).HasMaxLength(1000);
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(x => x.EndpointId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<WebhookDelivery>().WithMany().HasForeignKey(x => x.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.EndpointId, x.At });
    }
}
