using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;

namespace Remit.Webhooks;

public static class WebhookEventTypes
{
    public const string PayoutCreated = "payout.created", PayoutProcessing = "payout.processing", PayoutCompleted = "payout.completed",
        PayoutFailed = "payout.failed", PayoutReturned = "payout.returned";
    public const string RequestCreated = "payout_request.created", RequestApproved = "payout_request.approved", RequestRejected = "payout_request.rejected";
    public const string BatchCreated = "payout_batch.created", BatchSent = "payout_batch.sent", BatchCompleted = "payout_batch.completed";
    public const string TaxFormSubmitted = "tax_form.submitted", TaxFormExpiring = "tax_form.expiring";
    public const string PayoutDetailsChanged = "affiliate.payout_details_changed";

    public static readonly string[] All =
    [
        PayoutCreated, PayoutProcessing, PayoutCompleted, PayoutFailed, PayoutReturned,
        RequestCreated, RequestApproved, RequestRejected,
        BatchCreated, BatchSent, BatchCompleted,
        TaxFormSubmitted, TaxFormExpiring,
        PayoutDetailsChanged,
    ];

    /// <summary>A payout's status as the lifecycle names it, as the event that tells about the move.</summary>
    public static string? ForPayoutStatus(string status) => status switch
    {
        Payouts.PayoutStatus.Processing => PayoutProcessing,
        Payouts.PayoutStatus.Completed => PayoutCompleted,
        Payouts.PayoutStatus.Failed => PayoutFailed,
        _ => null,
    };
}

/// <summary>The body every webhook carries: the event type, when it happened, and the object as its GET by id shows it.</summary>
public sealed record WebhookPayload(string Type, DateTime Timestamp, object Data);

/// <summary>
/// Writes webhook events into the outbox, inside the caller's transaction, after the change is saved (the data is
/// read back as the API shows it, so it must already be there). Nothing is written when no enabled endpoint of the
/// program wants the type. Any feature that has an event calls <see cref="AddAsync"/> (or one of the typed helpers).
/// </summary>
public static class WebhookEvents
{
    private static readonly JsonSerializerOptions Json = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ApiJson.Configure(o);
        return o;
    }

    /// <summary>
    /// One event about <paramref name="subject"/> (e.g. "payout:42"; one subject's events reach an endpoint in order).
    /// <paramref name="data"/> is asked for only when some endpoint wants the event.
    /// </summary>
    public static async Task AddAsync(RemitDb db, string type, string subject, Func<Task<object?>> data, DateTime at, CancellationToken ct)
    {
        var endpoints = await SubscribersAsync(db, type, ct);
        if (endpoints.Count == 0) return;
        if (await data() is not { } rendered) return;
        Queue(db, endpoints, type, subject, rendered, at);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Many events of one type at once (a batch's payouts): their data rendered together by the caller.</summary>
    public static async Task AddManyAsync<T>(RemitDb db, string type, Func<Task<IReadOnlyList<T>>> data, Func<T, string> subject, DateTime at,
        CancellationToken ct) where T : notnull
    {
        var endpoints = await SubscribersAsync(db, type, ct);
        if (endpoints.Count == 0) return;
        foreach (var item in await data()) Queue(db, endpoints, type, subject(item), item, at);
        await db.SaveChangesAsync(ct);
    }

    public static Task PayoutAsync(RemitDb db, string type, long payoutId, DateTime at, CancellationToken ct) =>
        AddAsync(db, type, $"payout:{payoutId}", async () => await Payouts.PayoutsApi.DetailAsync(db, payoutId, ct), at, ct);

    public static Task PayoutsAsync(RemitDb db, string type, IReadOnlyCollection<long> payoutIds, DateTime at, CancellationToken ct) =>
        AddManyAsync(db, type, () => Payouts.PayoutsApi.DetailsAsync(db, payoutIds, ct), p => $"payout:{p.Id}", at, ct);

    public static Task RequestAsync(RemitDb db, string type, long requestId, DateTime at, CancellationToken ct) =>
        AddAsync(db, type, $"payout_request:{requestId}", async () => await Requests.RequestsApi.FindAsync(db, requestId, ct), at, ct);

    public static Task BatchAsync(RemitDb db, string type, long batchId, DateTime at, CancellationToken ct) =>
        AddAsync(db, type, $"payout_batch:{batchId}", async () =>
            await db.PayoutBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId, ct) is { } batch
                ? await Batches.BatchActions.ToDtoAsync(db, batch, ct)
                : null, at, ct);

    public static Task AffiliateAsync(RemitDb db, string type, long affiliateId, TimeProvider clock, CancellationToken ct) =>
        AddAsync(db, type, $"affiliate:{affiliateId}", async () => await Affiliates.AffiliatesApi.FindAsync(db, affiliateId, clock, ct),
            clock.GetUtcNow().UtcDateTime, ct);

    public static string Serialize(WebhookPayload payload) => JsonSerializer.Serialize(payload, Json);

    private static async Task<List<WebhookEndpoint>> SubscribersAsync(RemitDb db, string type, CancellationToken ct)
    {
        // Endpoints are few per program; the list of types is matched here rather than in SQL so both providers agree.
        var enabled = await db.WebhookEndpoints.AsNoTracking().Where(e => e.Enabled).ToListAsync(ct);
        return [.. enabled.Where(e => e.Wants(type))];
    }

    private static void Queue(RemitDb db, List<WebhookEndpoint> endpoints, string type, string subject, object data, DateTime at)
    {
        var evt = new WebhookEvent
        {
            ProgramId = db.ProgramId, MessageId = NewMessageId(), Type = type, Subject = subject, CreatedAt = at,
            Payload = Serialize(new WebhookPayload(type, at, data)),
        };
        db.WebhookEvents.Add(evt);
        foreach (var endpoint in endpoints)
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                ProgramId = db.ProgramId, EndpointId = endpoint.Id, Event = evt, Subject = subject, NextAttemptAt = at, CreatedAt = at,
            });
        db.WebhooksQueued = true;
    }

    /// <summary>Standard Webhooks' webhook-id: unique per message, time-ordered.</summary>
    public static string NewMessageId() => "msg_" + Guid.CreateVersion7().ToString("N");
}
