using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Audit;
using Remit.Data;
using Remit.Payments;
using Remit.Payments.PayPal;
using Remit.Payouts;
using Remit.Programs;
using Remit.Security;
using Remit.Settings;

namespace Remit.Batches;

/// <summary>
/// Paying a PayPal batch through the PayPal Payouts API (basic and up), and following what PayPal reports back (sync
/// by polling, or its webhook) through the one payout lifecycle, with PayPal as the actor.
/// </summary>
public sealed class PayPalPayouts(RemitDb db, PayPalClient client, SecretBox secrets, Microsoft.Extensions.Options.IOptions<PayPalOptions> options,
    TimeProvider clock)
{
    private readonly ILogger log = BatchLog.For(db);

    /// <summary>How long an anonymous webhook delivery may keep PayPal busy verifying it; PayPal delivers again after a non-2xx.</summary>
    public static readonly TimeSpan WebhookBudget = TimeSpan.FromSeconds(10);

    /// <summary>The audit action of a handled webhook delivery; its notes start with the transmission id, which dedupes repeats.</summary>
    public const string WebhookAction = "batch.webhook";

    /// <summary>A send that started this long ago and never finished (a crashed process) may be tried again.</summary>
    public static readonly TimeSpan SendClaimTimeout = TimeSpan.FromMinutes(5);

    // PayPal's transaction_status values, grouped by what they do to a payout.
    private static readonly string[] Failures = ["FAILED", "RETURNED", "BLOCKED", "REFUNDED", "REVERSED"];
    private static readonly string[] MoneyBack = ["RETURNED", "REFUNDED", "REVERSED"];

    /// <summary>
    /// Sends the batch's processing payouts with sender_batch_id = the batch's stable id, so a retry (ours after a
    /// timeout, or the client's 5xx retries) is the same batch to PayPal and never pays twice. A batch PayPal already
    /// accepted is not sent again: repeating the call answers with the batch as it is.
    /// </summary>
    public async Task<Outcome<PayoutBatch>> SendAsync(long batchId, Actor actor, CancellationToken ct)
    {
        var batch = await db.PayoutBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId, ct);
        if (batch is null) return Problem.NotFound("Batch not found.");
        var program = await db.CurrentProgramAsync(ct);
        if (batch.Method != PayoutMethods.PayPal)
            return Problem.Invalid("method", $"Batch {batchId} is a {batch.Method} batch; only PayPal batches are sent through PayPal.");
        if (!Plans.SendsPayPalByApi(program.Plan))
            return Problem.Invalid("plan", $"The {program.Plan} plan pays PayPal by hand: download the batch's file and upload it at PayPal, then complete the batch. Sending through the PayPal API is in basic and up.");
        if (Credentials(program) is not { } credentials)
            return Problem.Invalid("paypal", "Set client_id and client_secret with PUT /v1/settings/paypal first.");
        if (BatchActions.ApprovalProblem(batch, "sent") is { } unapproved) return unapproved;
        if (batch.SentAt is not null) return Outcome<PayoutBatch>.Ok(batch);

        var now = clock.GetUtcNow().UtcDateTime;
        var staleBefore = now - SendClaimTimeout;
        var claimed = await db.PayoutBatches
            .Where(b => b.Id == batchId && b.SentAt == null && (b.SendStartedAt == null || b.SendStartedAt < staleBefore))
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.SendStartedAt, now), ct);
        if (claimed == 0)
        {
            var current = await db.PayoutBatches.AsNoTracking().SingleAsync(b => b.Id == batchId, ct);
            return current.SentAt is not null
                ? Outcome<PayoutBatch>.Ok(current)
                : Problem.InvalidStatus($"Batch {batchId} is being sent by another request; try again in a moment.");
        }

        var payouts = await db.Payouts.AsNoTracking().Where(p => p.BatchId == batchId && p.Status == PayoutStatus.Processing)
            .OrderBy(p => p.Id).Select(p => new { p.Id, p.Destination, p.AmountMinor, p.Currency }).ToListAsync(ct);
        if (payouts.Count == 0)
        {
            await ReleaseClaimAsync(batchId, ct);
            return Problem.InvalidStatus($"Batch {batchId} has no processing payouts to send.");
        }
        var items = payouts.Select(p => new PayPalPayoutItem(p.Id.ToString(CultureInfo.InvariantCulture), p.Destination!,
            PayPalUploadCsv.FormatAmount(p.AmountMinor, p.Currency, Money.Exponent(p.Currency)), p.Currency,
            $"{program.Name}: payout {p.Id}")).ToList();

        PayPalBatchResult result;
        try
        {
            result = await client.CreateBatchAsync(credentials, batch.SenderBatchId, $"You have a payout from {program.Name}", items, ct);
        }
        catch (PayPalBatchUnlinkedException)
        {
            // PayPal already has this sender_batch_id (an earlier attempt whose answer was lost went through) but did not
            // say which batch it made. Nothing is sent again: the batch is recorded as sent with PayPal's id unknown, which
            // the first verified webhook of one of its items (matched by our sender_batch_id) or the merchant (sync with
            // provider_batch_id) supplies; sync then matches every item by sender_item_id.
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                await db.PayoutBatches.Where(b => b.Id == batchId && b.SentAt == null).ExecuteUpdateAsync(s => s
                    .SetProperty(b => b.SentAt, now)
                    .SetProperty(b => b.Status, BatchStatus.Sent), ct);
                db.AuditEvents.Add(actor.Record(program.Id, "batch.sent", "batch", batchId, now, BatchStatus.Open, BatchStatus.Sent,
                    $"PayPal already had sender_batch_id {batch.SenderBatchId} and named no payout_batch_id; waiting for its webhook or the merchant to name it"));
                await db.SaveChangesAsync(ct);
                await Webhooks.WebhookEvents.BatchAsync(db, Webhooks.WebhookEventTypes.BatchSent, batchId, now, ct);
                await tx.CommitAsync(ct);
            }
            log.LogWarning("PayPal refused sender_batch_id {SenderBatchId} of batch {BatchId} as a duplicate without naming the original batch", batch.SenderBatchId, batchId);
            return Outcome<PayoutBatch>.Ok(await db.PayoutBatches.AsNoTracking().SingleAsync(b => b.Id == batchId, ct));
        }
        catch (Exception e) when (e is PayPalException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // Refused (PayPalException: nothing paid) or unknown after the client's retries (the others): nothing is
            // recorded as sent, and a later send repeats the same sender_batch_id, which PayPal will not pay twice —
            // the client then reads back the batch that first request made.
            await ReleaseClaimAsync(batchId, ct);
            log.SendFailed(e, batchId, program.Id, BatchLog.StatusOf(e));
            return ProviderProblem($"PayPal did not accept batch {batchId}: {e.Message}");
        }

        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            await db.PayoutBatches.Where(b => b.Id == batchId).ExecuteUpdateAsync(s => s
                .SetProperty(b => b.ProviderBatchId, result.PayoutBatchId)
                .SetProperty(b => b.SentAt, now)
                .SetProperty(b => b.Status, BatchStatus.Sent), ct);
            db.AuditEvents.Add(actor.Record(program.Id, "batch.sent", "batch", batchId, now, BatchStatus.Open, BatchStatus.Sent,
                $"PayPal payout_batch_id {result.PayoutBatchId}, sender_batch_id {batch.SenderBatchId}, {items.Count} items"));
            await db.SaveChangesAsync(ct);
            await Webhooks.WebhookEvents.BatchAsync(db, Webhooks.WebhookEventTypes.BatchSent, batchId, now, ct);
            await tx.CommitAsync(ct);
        }
        log.Sent(batchId, program.Id, result.PayoutBatchId, items.Count, actor.Type, actor.Id);
        await ApplyAsync(batchId, result.Items, ct);
        return Outcome<PayoutBatch>.Ok(await db.PayoutBatches.AsNoTracking().SingleAsync(b => b.Id == batchId, ct));
    }

    /// <summary>Reads PayPal's item statuses for a sent batch and moves its payouts accordingly.</summary>
    public Task<Outcome<PayoutBatch>> SyncAsync(long batchId, Actor actor, CancellationToken ct) => SyncAsync(batchId, null, actor, ct);

    /// <summary>
    /// As <see cref="SyncAsync(long, Actor, CancellationToken)"/>; <paramref name="providerBatchId"/> names PayPal's batch
    /// when PayPal took the batch without saying its id (see <see cref="SendAsync"/>): it is read, and recorded only if
    /// PayPal says it was sent with this batch's sender_batch_id.
    /// </summary>
    public async Task<Outcome<PayoutBatch>> SyncAsync(long batchId, string? providerBatchId, Actor actor, CancellationToken ct)
    {
        var batch = await db.PayoutBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId, ct);
        if (batch is null) return Problem.NotFound("Batch not found.");
        if (batch.Method != PayoutMethods.PayPal)
            return Problem.Invalid("method", $"Batch {batchId} is a {batch.Method} batch; only PayPal batches sync with PayPal.");
        var program = await db.CurrentProgramAsync(ct);
        if (Credentials(program) is not { } credentials)
            return Problem.Invalid("paypal", "Set client_id and client_secret with PUT /v1/settings/paypal first.");
        if (providerBatchId is not null && batch.ProviderBatchId is not null && providerBatchId != batch.ProviderBatchId)
            return Problem.Invalid("provider_batch_id", $"Batch {batchId} is PayPal's batch {batch.ProviderBatchId}.");
        if (batch.SentAt is null) return Problem.InvalidStatus($"Batch {batchId} has not been sent to PayPal (POST /v1/payout-batches/{batchId}/send).");
        if (batch.ProviderBatchId is null && providerBatchId is null)
            return Problem.InvalidStatus($"PayPal has batch {batchId} (sender_batch_id {batch.SenderBatchId}) but did not say its payout_batch_id. It is recorded from the first webhook of one of its items, or give provider_batch_id (PayPal's dashboard shows it) with this sync.");

        PayPalBatchResult? result;
        try
        {
            result = batch.ProviderBatchId is { } known
                ? await client.GetBatchAsync(credentials, known, ct)
                : await client.GetBatchOfSenderAsync(credentials, providerBatchId!, batch.SenderBatchId, ct);
        }
        catch (PayPalException e) when (batch.ProviderBatchId is null && e.Status == 404)
        {
            result = null;
        }
        catch (Exception e) when (e is PayPalException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            log.SyncFailed(e, batchId, program.Id, BatchLog.StatusOf(e));
            return ProviderProblem($"PayPal could not be read for batch {batchId}: {e.Message}");
        }
        if (result is null)
            return Problem.Invalid("provider_batch_id", $"PayPal has no batch {providerBatchId} sent with sender_batch_id {batch.SenderBatchId}.");
        if (batch.ProviderBatchId is null) await LinkAsync(batch, result.PayoutBatchId, actor, ct);
        db.AuditEvents.Add(actor.Record(program.Id, "batch.synced", "batch", batchId, clock.GetUtcNow().UtcDateTime,
            notes: $"PayPal batch_status {result.BatchStatus}"));
        await db.SaveChangesAsync(ct);
        log.Synced(batchId, program.Id, result.BatchStatus, result.Items.Count, actor.Type, actor.Id);
        await ApplyAsync(batchId, result.Items, ct);
        return Outcome<PayoutBatch>.Ok(await db.PayoutBatches.AsNoTracking().SingleAsync(b => b.Id == batchId, ct));
    }

    /// <summary>
    /// POST /v1/webhooks/paypal, anonymous: finds the batch by PayPal's batch id (or, for a batch PayPal took without
    /// naming it, by our sender_batch_id on the item), has PayPal verify the signature against that program's
    /// webhook_id, then applies the item's status. Until verified, every refusal reads the same (an unknown batch id
    /// too), PayPal is asked once and within <see cref="WebhookBudget"/>, and nothing PayPal said is echoed. A delivery
    /// handled before (same PAYPAL-TRANSMISSION-ID) is answered at once without asking PayPal again.
    /// </summary>
    public async Task<Outcome<PayPalItemEvent?>> HandleWebhookAsync(IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        PayPalItemEvent? item;
        try
        {
            item = PayPalClient.ParseWebhook(body);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            log.WebhookRejected("not a PayPal webhook event", null, null, null);
            return Problem.Invalid("body", "The body is not a PayPal webhook event.");
        }
        // Other event types (or a batch-level event) carry no item to move; PayPal only needs to hear it arrived.
        if (item is null)
        {
            log.WebhookIgnored();
            return Outcome<PayPalItemEvent?>.Ok(null);
        }

        var batch = await WebhookBatchAsync(item, ct);
        var transmission = headers.FirstOrDefault(h => string.Equals(h.Key, "PAYPAL-TRANSMISSION-ID", StringComparison.OrdinalIgnoreCase)).Value?.Trim();
        if (batch is null || transmission is not { Length: > 0 and <= 128 })
        {
            log.WebhookRejected("unknown payout_batch_id or no transmission id", item.PayoutBatchId, batch?.Id, null);
            return Unverified();
        }
        db.ProgramId = batch.ProgramId;
        var program = await db.CurrentProgramAsync(ct);
        if (Credentials(program) is not { } credentials || program.PayPal.WebhookId is not { } webhookId)
        {
            log.WebhookRejected("the program has no PayPal credentials or webhook_id", item.PayoutBatchId, batch.Id, program.Id);
            return Unverified();
        }

        var seen = $"transmission {transmission}:";
        if (await db.AuditEvents.AnyAsync(e => e.EntityType == "batch" && e.EntityId == batch.Id && e.Action == WebhookAction && e.Notes!.StartsWith(seen), ct))
            return Outcome<PayPalItemEvent?>.Ok(item);

        bool verified;
        using (var budget = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            budget.CancelAfter(WebhookBudget);
            try
            {
                verified = await client.VerifyWebhookAsync(credentials, webhookId, headers, body, budget.Token);
            }
            catch (Exception e) when (e is PayPalException or HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                log.WebhookVerifyFailed(e, batch.Id, program.Id, BatchLog.StatusOf(e));
                return Problem.ProviderFailed("The delivery could not be verified now; PayPal delivers it again later.");
            }
        }
        if (!verified)
        {
            log.WebhookRejected("PayPal did not verify the signature", item.PayoutBatchId, batch.Id, program.Id);
            return Unverified();
        }

        log.WebhookApplied(item.EventType, batch.Id, program.Id, item.SenderItemId, item.TransactionStatus);
        if (batch.ProviderBatchId is null) await LinkAsync(batch, item.PayoutBatchId, Actor.PayPal, ct);
        await ApplyAsync(batch.Id, [new PayPalItemResult(item.SenderItemId, item.PayoutItemId, item.TransactionStatus, item.TransactionId, item.ErrorName, item.ErrorMessage)], ct);
        db.AuditEvents.Add(Actor.PayPal.Record(batch.ProgramId, WebhookAction, "batch", batch.Id, clock.GetUtcNow().UtcDateTime,
            notes: $"{seen} {item.EventType} for payout {item.SenderItemId}"));
        await db.SaveChangesAsync(ct);
        return Outcome<PayPalItemEvent?>.Ok(item);
    }

    /// <summary>The batch a webhook item belongs to: by PayPal's id, or by our sender_batch_id for a sent batch whose PayPal id is not known yet.</summary>
    private async Task<PayoutBatch?> WebhookBatchAsync(PayPalItemEvent item, CancellationToken ct)
    {
        var batches = db.PayoutBatches.IgnoreQueryFilters().AsNoTracking();
        if (await batches.SingleOrDefaultAsync(b => b.ProviderBatchId == item.PayoutBatchId, ct) is { } known) return known;
        var parts = item.SenderBatchId?.Split('-');
        if (parts is not ["remit", var p, var b]
            || !long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var programId)
            || !long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var batchId)) return null;
        return await batches.SingleOrDefaultAsync(x => x.Id == batchId && x.ProgramId == programId && x.ProviderBatchId == null && x.SentAt != null, ct);
    }

    /// <summary>Records PayPal's id for a batch PayPal took without naming it; a conditional update, so only the first one counts.</summary>
    private async Task LinkAsync(PayoutBatch batch, string providerBatchId, Actor actor, CancellationToken ct)
    {
        var linked = await db.PayoutBatches.Where(b => b.Id == batch.Id && b.ProviderBatchId == null)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.ProviderBatchId, providerBatchId), ct);
        if (linked == 0) return;
        db.AuditEvents.Add(actor.Record(batch.ProgramId, "batch.linked", "batch", batch.Id, clock.GetUtcNow().UtcDateTime,
            notes: $"PayPal payout_batch_id {providerBatchId} for sender_batch_id {batch.SenderBatchId}"));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// SUCCESS completes a processing payout with PayPal's transaction id as reference. FAILED, RETURNED, BLOCKED,
    /// REFUNDED, REVERSED fail a processing payout with PayPal's reason; RETURNED, REFUNDED, REVERSED after SUCCESS mark
    /// the completed payout returned (money flow, step 5). UNCLAIMED, PENDING, ONHOLD and the rest leave it processing.
    /// </summary>
    private async Task ApplyAsync(long batchId, IReadOnlyList<PayPalItemResult> items, CancellationToken ct)
    {
        var ids = items.Select(i => long.TryParse(i.SenderItemId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0).Where(id => id > 0).ToArray();
        var statuses = await db.Payouts.AsNoTracking().Where(p => p.BatchId == batchId && ids.Contains(p.Id))
            .Select(p => new { p.Id, p.Status, p.ReturnedAt }).ToDictionaryAsync(p => p.Id, ct);
        var program = await db.CurrentProgramAsync(ct);
        foreach (var item in items)
        {
            // Only payouts of this batch: an item id from anywhere else is ignored, never trusted.
            if (!long.TryParse(item.SenderItemId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || !statuses.TryGetValue(id, out var payout)) continue;
            var status = item.TransactionStatus.ToUpperInvariant();
            var reason = Reason(status, item);
            if (payout.Status == PayoutStatus.Processing && status == "SUCCESS")
                await PayoutActions.TransitionAsync(db, id, PayoutStatus.Completed, new TransitionInput(item.TransactionId ?? item.PayoutItemId, "PayPal: SUCCESS"), Actor.PayPal, clock, ct);
            else if (payout.Status == PayoutStatus.Processing && Failures.Contains(status))
                await PayoutActions.TransitionAsync(db, id, PayoutStatus.Failed, new TransitionInput(Reason: reason), Actor.PayPal, clock, ct);
            else if (payout.Status == PayoutStatus.Completed && payout.ReturnedAt is null && MoneyBack.Contains(status))
                await PayoutActions.ReturnAsync(db, id, status, reason, DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, program.TimeZoneInfo)),
                    Actor.PayPal, clock, ct);
        }
    }

    private static string Reason(string status, PayPalItemResult item) =>
        $"PayPal {status}" + (item.ErrorName is null ? "" : $": {item.ErrorName}") + (item.ErrorMessage is null ? "" : $" — {item.ErrorMessage}");

    private PayPalCredentials? Credentials(AffiliateProgram program) =>
        program.PayPal is { ClientId: { } id, ClientSecret: { } secret }
            ? new PayPalCredentials(id, secrets.Decrypt(secret), options.Value.BaseUrl(program.PayPal.Environment))
            : null;

    private Task ReleaseClaimAsync(long batchId, CancellationToken ct) =>
        db.PayoutBatches.Where(b => b.Id == batchId && b.ProviderBatchId == null).ExecuteUpdateAsync(s => s.SetProperty(b => b.SendStartedAt, (DateTime?)null), ct);

    private static Problem ProviderProblem(string message) => Problem.ProviderFailed(message);

    // One answer for every delivery not shown to be PayPal's, so an unsigned caller learns nothing (not even which batch ids exist).
    private static Problem Unverified() => Problem.Unverified("The delivery is not verified as PayPal's.");
}
