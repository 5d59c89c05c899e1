using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Remit.Audit;
using Remit.Data;
using Remit.Security;

namespace Remit.Webhooks;

public sealed record WebhookEndpointDto(
    long Id, string Url, string? Description, IReadOnlyList<string> Events, bool Enabled, DateTime CreatedAt,
    DateTime? FailingSince, DateTime? DisabledAt, string? DisabledReason, DateTime? PreviousSecretExpiresAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Secret = null)
{
    public static WebhookEndpointDto Of(WebhookEndpoint e, string? secret = null) => new(e.Id, e.Url, e.Description, e.EventList, e.Enabled,
        e.CreatedAt, e.FailingSince, e.DisabledAt, e.DisabledReason, e.PreviousSecretExpiresAt, secret);
}

/// <summary>One line of the delivery log. <c>EventId</c> is the webhook-id header the receiver saw.</summary>
public sealed record WebhookAttemptDto(long Id, string EventId, string EventType, int Attempt, int? StatusCode, string? Error, DateTime At);

/// <summary>A delivery queued by a replay.</summary>
public sealed record WebhookReplayDto(long DeliveryId, long EndpointId, string EventId, string EventType, DateTime NextAttemptAt);

public sealed record WebhookEndpointChange(string? Url = null, IReadOnlyList<string>? Events = null, string? Description = null, bool? Enabled = null);

/// <summary>Registering, changing, rotating and replaying webhook endpoints: the API and the dashboard both come here.</summary>
public static class WebhookEndpoints
{
    public const int MaxUrlLength = 2000;
    /// <summary>After a rotation the old secret signs too for this long, so the merchant can switch receivers without a gap.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    /// <summary>Standard Webhooks' secret form: whsec_ and base64 of 24 random bytes.</summary>
    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));

    public static async Task<Outcome<WebhookEndpointDto>> CreateAsync(RemitDb db, SecretBox secrets, WebhookSettings settings,
        WebhookEndpointChange input, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var url = CheckUrl(input.Url, settings, v, required: true);
        var events = CheckEvents(input.Events, v, required: true);
        var description = v.Text(input.Description, "description", 500);
        if (input.Enabled is not null) v.Add("enabled", "A new endpoint is enabled; disable it afterwards with PATCH.");
        if (!v.IsValid) return v.ToProblem();
        var now = clock.GetUtcNow().UtcDateTime;
        var secret = NewSecret();
        var endpoint = new WebhookEndpoint
        {
            ProgramId = db.ProgramId, Url = url!, Events = string.Join(',', events!), Description = description,
            Secret = secrets.Encrypt(secret), CreatedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(ct);
        db.AuditEvents.Add(actor.Record(db.ProgramId, "webhook_endpoint.created", "webhook_endpoint", endpoint.Id, now, notes: endpoint.Events));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        WebhookLog.For(db).EndpointChanged(endpoint.Id, db.ProgramId, "created", actor.Type, actor.Id);
        return Outcome<WebhookEndpointDto>.Ok(WebhookEndpointDto.Of(endpoint, secret));
    }

    /// <summary>
    /// Sets what is given. Enabling an endpoint (again) clears what Remit said when it disabled it and starts its
    /// three-day count afresh.
    /// </summary>
    public static async Task<Outcome<WebhookEndpointDto>> UpdateAsync(RemitDb db, long id, WebhookSettings settings, WebhookEndpointChange change,
        Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null) return Problem.NotFound("Webhook endpoint not found.");
        var v = new Validation();
        var url = CheckUrl(change.Url, settings, v, required: false);
        var events = CheckEvents(change.Events, v, required: false);
        if (change.Description is not null) v.Text(change.Description, "description", 500);
        if (!v.IsValid) return v.ToProblem();
        var now = clock.GetUtcNow().UtcDateTime;
        if (url is not null) endpoint.Url = url;
        if (events is not null) endpoint.Events = string.Join(',', events);
        if (change.Description is not null) endpoint.Description = change.Description.Trim() is { Length: > 0 } d ? d : null;
        if (change.Enabled is { } enabled && enabled != endpoint.Enabled)
        {
            endpoint.Enabled = enabled;
            endpoint.DisabledAt = enabled ? null : now;
            endpoint.DisabledReason = null;
            endpoint.FailingSince = null;
        }
        db.AuditEvents.Add(actor.Record(db.ProgramId, "webhook_endpoint.updated", "webhook_endpoint", id, now,
            notes: change.Enabled is { } e ? (e ? "enabled" : "disabled") : null));
        await db.SaveChangesAsync(ct);
        WebhookLog.For(db).EndpointChanged(id, db.ProgramId, "updated", actor.Type, actor.Id);
        return Outcome<WebhookEndpointDto>.Ok(WebhookEndpointDto.Of(endpoint));
    }

    public static async Task<Problem?> DeleteAsync(RemitDb db, long id, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var deleted = await db.WebhookEndpoints.Where(e => e.Id == id).ExecuteDeleteAsync(ct);
        if (deleted == 0) return Problem.NotFound("Webhook endpoint not found.");
        db.AuditEvents.Add(actor.Record(db.ProgramId, "webhook_endpoint.deleted", "webhook_endpoint", id, clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        WebhookLog.For(db).EndpointChanged(id, db.ProgramId, "deleted", actor.Type, actor.Id);
        return null;
    }

    /// <summary>A new secret, shown once; the one it replaces keeps signing beside it for <see cref="RotationOverlap"/>.</summary>
    public static async Task<Outcome<WebhookEndpointDto>> RotateSecretAsync(RemitDb db, SecretBox secrets, long id, Actor actor, TimeProvider clock,
        CancellationToken ct)
    {
        var endpoint = await db.WebhookEndpoints.SingleOrDefaultAsync(e => e.Id == id, ct);
        if (endpoint is null) return Problem.NotFound("Webhook endpoint not found.");
        var now = clock.GetUtcNow().UtcDateTime;
        var secret = NewSecret();
        endpoint.PreviousSecret = endpoint.Secret;
        endpoint.PreviousSecretExpiresAt = now + RotationOverlap;
        endpoint.Secret = secrets.Encrypt(secret);
        db.AuditEvents.Add(actor.Record(db.ProgramId, "webhook_endpoint.secret_rotated", "webhook_endpoint", id, now));
        await db.SaveChangesAsync(ct);
        WebhookLog.For(db).EndpointChanged(id, db.ProgramId, "secret rotated", actor.Type, actor.Id);
        return Outcome<WebhookEndpointDto>.Ok(WebhookEndpointDto.Of(endpoint, secret));
    }

    /// <summary>Sends the event of a logged attempt to its endpoint again, as a new delivery with its own retries.</summary>
    public static async Task<Outcome<WebhookReplayDto>> ReplayAsync(RemitDb db, long attemptId, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var attempt = await db.WebhookAttempts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == attemptId, ct);
        if (attempt is null) return Problem.NotFound("Webhook delivery not found.");
        var endpoint = await db.WebhookEndpoints.AsNoTracking().SingleAsync(e => e.Id == attempt.EndpointId, ct);
        if (!endpoint.Enabled)
            return Problem.InvalidStatus($"Webhook endpoint {endpoint.Id} is disabled; enable it before replaying to it.");
        var evt = await db.WebhookEvents.AsNoTracking().SingleAsync(e => e.Id == attempt.EventId, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var delivery = new WebhookDelivery
        {
            ProgramId = db.ProgramId, EndpointId = endpoint.Id, EventId = evt.Id, Subject = evt.Subject, NextAttemptAt = now, CreatedAt = now,
        };
        db.WebhookDeliveries.Add(delivery);
        db.AuditEvents.Add(actor.Record(db.ProgramId, "webhook_endpoint.replayed", "webhook_endpoint", endpoint.Id, now, notes: $"{evt.Type} {evt.MessageId}"));
        db.WebhooksQueued = true;
        await db.SaveChangesAsync(ct);
        WebhookLog.For(db).Replayed(delivery.Id, endpoint.Id, db.ProgramId, actor.Type, actor.Id);
        return Outcome<WebhookReplayDto>.Ok(new WebhookReplayDto(delivery.Id, endpoint.Id, evt.MessageId, evt.Type, now));
    }

    public static IQueryable<WebhookAttemptDto> Attempts(RemitDb db, long endpointId) =>
        db.WebhookAttempts.AsNoTracking().Where(a => a.EndpointId == endpointId).OrderByDescending(a => a.Id)
            .Join(db.WebhookEvents, a => a.EventId, e => e.Id, (a, e) => new WebhookAttemptDto(a.Id, e.MessageId, a.EventType, a.Attempt, a.StatusCode, a.Error, a.At));

    /// <summary>
    /// http or https, absolute, no credentials in it, and not a literal address in a blocked range (names are checked
    /// when connecting, on the address they resolve to then).
    /// </summary>
    public static string? CheckUrl(string? raw, WebhookSettings settings, Validation v, bool required)
    {
        var text = v.Text(raw, "url", MaxUrlLength, required);
        if (text is null) return null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
        {
            v.Add("url", "url must be an absolute http or https URL.");
            return null;
        }
        if (uri.UserInfo.Length > 0)
        {
            v.Add("url", "url must not carry a user name or password.");
            return null;
        }
        if (!settings.AllowPrivateNetworks && IPAddress.TryParse(uri.DnsSafeHost, out var address) && PrivateNetworks.IsBlocked(address))
        {
            v.Add("url", "url points at a loopback, private, link-local or reserved address, which webhooks may not reach.");
            return null;
        }
        return text;
    }

    private static string[]? CheckEvents(IReadOnlyList<string>? events, Validation v, bool required)
    {
        if (events is null)
        {
            if (required) v.Add("events", $"events is required: one or more of {string.Join(", ", WebhookEventTypes.All)}.");
            return null;
        }
        if (events.Count == 0) v.Add("events", "events must name at least one event type.");
        var unknown = events.Where(e => !WebhookEventTypes.All.Contains(e)).ToList();
        if (unknown.Count > 0) v.Add("events", $"Unknown event types: {string.Join(", ", unknown)}; events are {string.Join(", ", WebhookEventTypes.All)}.");
        return [.. events.Distinct()];
    }
}
