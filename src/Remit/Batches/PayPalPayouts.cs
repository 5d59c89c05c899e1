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
public sealed class PayPalPayouts(RemitDb db, PayPalClient client, SecretBox secrets, Microsoft.Extensions.Options.IOptions<PayPalOptions> options, TimeProvider clock)
{
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
        if (batch.ProviderBatchId is not null) return Outcome<PayoutBatch>.Ok(batch);

        var now = clock.GetUtcNow().UtcDateTime;
        var staleBefore = now - SendClaimTimeout;
        var claimed = await db.PayoutBatches
            .Where(b => b.Id == batchId && b.ProviderBatchId == null && (b.SendStartedAt == null || b.SendStartedAt < staleBefore))
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.SendStartedAt, now), ct);
        if (claimed == 0)
        {
            var current = await db.PayoutBatches.AsNoTracking().SingleAsync(b => b.Id == batchId, ct);
            return current.ProviderBatchId is not null
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
        catch (Exception e) when (e is PayPalException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // Refused (PayPalException: nothing paid) or unknown after the client's retries (the others): nothing is
            // recorded as sent, and a later send repeats the same sender_batch_id, which PayPal will not pay twice —
            // the client then reads back the batch that first request made.
            await ReleaseClaimAsync(batchId, ct);
            return ProviderProblem($"PayPal did not accept batch {batchId}: {e.Message}");
        }

        await db.PayoutBatches.Where(b => b.Id == batchId).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.ProviderBatchId, result.PayoutBatchId)
            .SetProperty(b => b.SentAt, now)
            .SetProperty(b => b.Status, BatchStatus.Sent), ct);
        db.AuditEvents.Add(actor.Record(program.Id, "batch.sent", "batch", batchId, now, BatchStatus.Open, BatchStatus.Sent,
            $"PayPal payout_batch_id {result.PayoutBatchId}, sender_batch_id {batch.SenderBatchId}, {items.Count} items"));
        await db.SaveChangesAsync(ct);
        await ApplyAsync(batchId, result.Items, ct);
        return Outcome<PayoutBatch>.Ok(await db.PayoutBatches.AsNoTracking().SingleAsync(b => b.Id == batchId, ct));
    }

    /// <summary>Reads PayPal's item statuses for a sent batch and moves its payouts accordingly.</summary>
    public async Task<Outcome<PayoutBatch>> SyncAsync(long batchId, Actor actor, CancellationToken ct)
    {
        var batch = await db.PayoutBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId, ct);
        if (batch is null) return Problem.NotFound("Batch not found.");
        if (batch.Method != PayoutMethods.PayPal)
            return Problem.Invalid("method", $"Batch {batchId} is a {batch.Method} batch; only PayPal batches sync with PayPal.");
        var program = await db.CurrentProgramAsync(ct);
        if (Credentials(program) is not { } credentials)
            return Problem.Invalid("paypal", "Set client_id and client_secret with PUT /v1/settings/paypal first.");
        if (batch.ProviderBatchId is null) return Problem.InvalidStatus($"Batch {batchId} has not been sent to PayPal (POST /v1/payout-batches/{batchId}/send).");

        PayPalBatchResult result;
        try
        {
            result = await client.GetBatchAsync(credentials, batch.ProviderBatchId, ct);
        }
        catch (Exception e) when (e is PayPalException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return ProviderProblem($"PayPal could not be read for batch {batchId}: {e.Message}");
        }
        db.AuditEvents.Add(actor.Record(program.Id, "batch.synced", "batch", batchId, clock.GetUtcNow().UtcDateTime,
            notes: $"PayPal batch_status {result.BatchStatus}"));
        await db.SaveChangesAsync(ct);
        await ApplyAsync(batchId, result.Items, ct);
        return Outcome<PayoutBatch>.Ok(await db.PayoutBatches.AsNoTracking().SingleAsync(b => b.Id == batchId, ct));
    }

    /// <summary>
    /// POST /v1/webhooks/paypal: finds the program by PayPal's batch id, has PayPal verify the signature against that
    /// program's webhook_id, then applies the item's status. Repeats are harmless: a payout already moved is skipped.
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
            return Problem.Invalid("body", "The body is not a PayPal webhook event.");
        }
        // Other event types (or a batch-level event) carry no item to move; PayPal only needs to hear it arrived.
        if (item is null) return Outcome<PayPalItemEvent?>.Ok(null);

        var batch = await db.PayoutBatches.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(b => b.ProviderBatchId == item.PayoutBatchId, ct);
        // PayPal retries on anything but 2xx, so an event that outran our record of the batch id comes back later.
        if (batch is null) return Problem.NotFound("No batch with that PayPal payout_batch_id.");
        db.ProgramId = batch.ProgramId;
        var program = await db.CurrentProgramAsync(ct);
        if (Credentials(program) is not { } credentials || program.PayPal.WebhookId is not { } webhookId)
            return Unverified("This program has no PayPal webhook_id to verify against (PUT /v1/settings/paypal).");
        bool verified;
        try
        {
            verified = await client.VerifyWebhookAsync(credentials, webhookId, headers, body, ct);
        }
        catch (Exception e) when (e is PayPalException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return ProviderProblem($"PayPal could not verify the webhook: {e.Message}");
        }
        if (!verified) return Unverified("PayPal did not verify this webhook's signature.");

        await ApplyAsync(batch.Id, [new PayPalItemResult(item.SenderItemId, item.PayoutItemId, item.TransactionStatus, item.TransactionId, item.ErrorName, item.ErrorMessage)], ct);
        return Outcome<PayPalItemEvent?>.Ok(item);
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

    private static Problem Unverified(string message) => Problem.Unverified(message);
}
