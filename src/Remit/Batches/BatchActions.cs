using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Audit;
using Remit.Data;
using Remit.Payments;
using Remit.Payouts;
using Remit.Programs;
using Remit.Security;
using Remit.Webhooks;

namespace Remit.Batches;

public sealed record BatchDto(
    long Id, string Method, string Status, IReadOnlyList<long> PayoutIds, int Count, decimal Total, string Currency,
    DateTime CreatedAt, string? ProviderBatchId, string SenderBatchId, DateTime? SentAt,
    bool RequiresApproval, DateTime? ApprovedAt, string? ApprovedBy)
{
    public static BatchDto Of(PayoutBatch b, IReadOnlyList<long> payoutIds) => new(b.Id, b.Method, b.Status, payoutIds, b.Count,
        Money.ToDecimal(b.TotalMinor, b.Currency), b.Currency, b.CreatedAt, b.ProviderBatchId, b.SenderBatchId, b.SentAt,
        b.RequiresApproval, b.ApprovedAt, b.ApprovedByName);
}

/// <summary>What a batch is made of: listed ids, or the payout list's filters.</summary>
public sealed record BatchSelection(long[]? Ids, PayoutQuery? Filter);

/// <summary>Making batches and completing them; the API and the dashboard both come here.</summary>
public static class BatchActions
{
    /// <summary>PayPal takes at most 5,000 payments per uploaded file; one limit for every method keeps batches alike.</summary>
    public const int MaxPayouts = PayPalUploadCsv.MaxRows;

    /// <summary>Why a program cannot batch this method, or null: the plan must have it, and ACH and USDC move dollars.</summary>
    public static Problem? MethodProblem(AffiliateProgram program, string method)
    {
        if (Plans.Refusal(program.Plan, method) is { } refusal) return Problem.Invalid("method", refusal);
        if (method is PayoutMethods.Bank or PayoutMethods.Crypto && program.Currency != "USD")
            return Problem.Invalid("method", $"{(method == PayoutMethods.Bank ? "ACH" : "USDC")} pays US dollars; this program pays in {program.Currency}.");
        return null;
    }

    /// <summary>
    /// Makes a batch of pending payouts of one method and moves them all to processing, or none of them: in one
    /// transaction, with one conditional update whose row count must equal the number of payouts. Checks in the
    /// contract's order: 404 (ids not in this program), 422 (method, plan, payouts of another method), 409 (not pending).
    /// </summary>
    public static async Task<Outcome<PayoutBatch>> CreateAsync(RemitDb db, SecretBox secrets, string method, BatchSelection selection, Actor actor,
        TimeProvider clock, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        long[] ids;
        if (selection.Ids is { } listed)
        {
            var found = await db.Payouts.Where(p => listed.Contains(p.Id)).Select(p => new { p.Id, p.Status, p.Method, HasAccount = p.Account.Secret != null, Held = p.HeldForDetailsAt != null }).ToListAsync(ct);
            var missing = listed.Except(found.Select(p => p.Id)).ToList();
            if (missing.Count > 0) return Problem.NotFound($"Payouts not found: {Ids(missing)}.");
            if (MethodProblem(program, method) is { } problem) return problem;
            var otherMethod = found.Where(p => p.Method != method).Select(p => p.Id).ToList();
            if (otherMethod.Count > 0)
                return Problem.Invalid("payout_ids", $"Payouts {Ids(otherMethod)} are not {method} payouts; a batch is of one method.");
            if (NeedsAccount(method) && found.Where(p => !p.HasAccount).Select(p => p.Id).ToList() is { Count: > 0 } bare) return NoAccount(method, bare);
            if (await UnpayableAsync(db, secrets, method, listed, ct) is { } unpayable) return unpayable;
            var notPending = found.Where(p => p.Status != PayoutStatus.Pending).Select(p => p.Id).ToList();
            if (notPending.Count > 0) return NotPending(notPending);
            if (found.Where(p => p.Held).Select(p => p.Id).ToList() is { Count: > 0 } detailsHeld) return PayoutHold.Refusal(detailsHeld);
            ids = [.. listed];
            if (await Tax.TaxForms.HeldAsync(db, program, ids, Tax.TaxForms.Today(clock), ct) is { Count: > 0 } held) return Tax.TaxForms.Required(held);
        }
        else
        {
            if (await selection.Filter!.CheckIdsAsync(db, ct) is { } notFound) return notFound;
            if (MethodProblem(program, method) is { } problem) return problem;
            ids = await selection.Filter.Apply(db.Payouts.Where(p => p.Status == PayoutStatus.Pending && p.Method == method), program)
                .Select(p => p.Id).Take(MaxPayouts + 1).ToArrayAsync(ct);
            if (ids.Length == 0) return Problem.Invalid("filter", $"No pending {method} payouts match the filter.");
            if (ids.Length > MaxPayouts) return Problem.Invalid("filter", $"More than {MaxPayouts} payouts match the filter; a batch takes at most {MaxPayouts}.");
            if (NeedsAccount(method) && await db.Payouts.Where(p => ids.Contains(p.Id) && p.Account.Secret == null).Select(p => p.Id).ToListAsync(ct) is { Count: > 0 } bare)
                return NoAccount(method, bare);
            if (await UnpayableAsync(db, secrets, method, ids, ct) is { } unpayable) return unpayable;
            if (await db.Payouts.Where(p => ids.Contains(p.Id) && p.HeldForDetailsAt != null).Select(p => p.Id).ToListAsync(ct) is { Count: > 0 } detailsHeld)
                return PayoutHold.Refusal(detailsHeld);
            if (await Tax.TaxForms.HeldAsync(db, program, ids, Tax.TaxForms.Today(clock), ct) is { Count: > 0 } held) return Tax.TaxForms.Required(held);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var batch = new PayoutBatch
        {
            ProgramId = program.Id, Method = method, Currency = program.Currency, CreatedAt = now,
            CreatedByType = actor.Type, CreatedById = actor.Id,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.PayoutBatches.Add(batch);
        await db.SaveChangesAsync(ct);
        var moved = await PayoutActions.MoveAllToProcessingAsync(db, ids, method, batch.Id, actor, now, ct);
        if (moved != ids.Length)
        {
            // Another request took some of them first: nothing of this batch stays.
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            var taken = await db.Payouts.Where(p => ids.Contains(p.Id) && (p.Status != PayoutStatus.Pending || p.BatchId != null))
                .Select(p => p.Id).OrderBy(id => id).ToListAsync(ct);
            if (taken.Count == 0 && await db.Payouts.Where(p => ids.Contains(p.Id) && p.HeldForDetailsAt != null).Select(p => p.Id).ToListAsync(ct) is { Count: > 0 } detailsHeld)
                return PayoutHold.Refusal(detailsHeld);
            // Not taken by another request: then a form was superseded or invalidated between the check and the move.
            if (taken.Count == 0 && await Tax.TaxForms.HeldAsync(db, program, ids, Tax.TaxForms.Today(clock), ct) is { Count: > 0 } held)
                return Tax.TaxForms.Required(held);
            return NotPending(taken);
        }
        var totals = await db.Payouts.Where(p => p.BatchId == batch.Id)
            .GroupBy(p => p.BatchId).Select(g => new { Count = g.Count(), Sum = g.Sum(p => p.AmountMinor) }).SingleAsync(ct);
        batch.Count = totals.Count;
        batch.TotalMinor = totals.Sum;
        batch.RequiresApproval = program.ApprovalThresholdMinor is { } threshold && totals.Sum >= threshold;
        db.AuditEvents.Add(actor.Record(program.Id, "batch.created", "batch", batch.Id, now, null, BatchStatus.Open,
            $"{method}: {totals.Count} payouts, {Money.Format(totals.Sum, program.Currency)} {program.Currency}"
            + (batch.RequiresApproval ? "; needs a second person's approval" : "")));
        await db.SaveChangesAsync(ct);
        await WebhookEvents.BatchAsync(db, WebhookEventTypes.BatchCreated, batch.Id, now, ct);
        await tx.CommitAsync(ct);
        // Logged once committed: a batch rolled back moved nothing.
        PayoutLog.For(db).MovedIntoBatch(totals.Count, program.Id, batch.Id, actor.Type, actor.Id);
        BatchLog.For(db).Created(batch.Id, program.Id, method, totals.Count, Money.Format(totals.Sum, program.Currency), program.Currency, actor.Type, actor.Id);
        return Outcome<PayoutBatch>.Ok(batch);
    }

    /// <summary>
    /// The two-person rule, the one place it is asked: a batch that needed approval when it was made cannot be sent,
    /// downloaded or completed until someone other than its creator approved it. <paramref name="action"/> says what
    /// was refused ("sent", "downloaded", "completed").
    /// </summary>
    public static Problem? ApprovalProblem(PayoutBatch batch, string action) =>
        batch.RequiresApproval && batch.ApprovedAt is null
            ? Problem.Conflict(Problem.Codes.ApprovalRequired,
                $"Batch {batch.Id} is at or over the program's approval threshold: it cannot be {action} until a second person (another dashboard user or token than the one that made it) approves it.")
            : null;

    /// <summary>
    /// The second person's approval: anyone with payouts:write (or a dashboard admin) but the batch's creator, once.
    /// One conditional UPDATE, so the creator can never slip through a race, and approving twice changes nothing.
    /// </summary>
    public static async Task<Outcome<PayoutBatch>> ApproveAsync(RemitDb db, long batchId, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var batch = await db.PayoutBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId, ct);
        if (batch is null) return Problem.NotFound("Batch not found.");
        if (batch.CreatedByType == actor.Type && batch.CreatedById == actor.Id)
            return Problem.Forbidden($"Batch {batchId} was made by this {(actor.Type == "user" ? "user" : "token")}; another dashboard user or token must approve it.");
        if (!batch.RequiresApproval)
            return Problem.InvalidStatus($"Batch {batchId} was under the program's approval threshold when it was made; it needs no approval.");
        if (batch.ApprovedAt is not null) return Outcome<PayoutBatch>.Ok(batch);

        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var approved = await db.PayoutBatches
            .Where(b => b.Id == batchId && b.RequiresApproval && b.ApprovedAt == null
                && !(b.CreatedByType == actor.Type && b.CreatedById == actor.Id))
            .ExecuteUpdateAsync(s => s
                .SetProperty(b => b.ApprovedAt, now)
                .SetProperty(b => b.ApprovedByType, actor.Type)
                .SetProperty(b => b.ApprovedById, actor.Id)
                .SetProperty(b => b.ApprovedByName, actor.Name), ct);
        if (approved == 1)
        {
            db.AuditEvents.Add(actor.Record(batch.ProgramId, "batch.approved", "batch", batchId, now,
                notes: $"{Money.Format(batch.TotalMinor, batch.Currency)} {batch.Currency}"));
            await db.SaveChangesAsync(ct);
        }
        await tx.CommitAsync(ct);
        if (approved == 1) BatchLog.For(db).Approved(batchId, batch.ProgramId, actor.Type, actor.Id);
        return Outcome<PayoutBatch>.Ok(await db.PayoutBatches.AsNoTracking().SingleAsync(b => b.Id == batchId, ct));
    }

    private static bool NeedsAccount(string method) => method is PayoutMethods.Bank or PayoutMethods.Crypto;

    // A payout made while its affiliate had chosen bank or crypto without giving the details has nowhere to go: the merchant
    // fails it, the affiliate's details are set, and the next payout carries them.
    private static Problem NoAccount(string method, IReadOnlyList<long> ids) => Problem.Invalid("payout_ids",
        $"Payouts {Ids(ids)} have no {method} details (the affiliate had none when they were made); fail them and pay a new payout once PUT /v1/affiliates/{{id}}/payout-method is done.");

    /// <summary>
    /// 422 naming the payouts whose destination the batch's file could not carry (see <see cref="BatchFiles.DestinationProblem"/>),
    /// grouped by why; null when every one fits.
    /// </summary>
    private static async Task<Problem?> UnpayableAsync(RemitDb db, SecretBox secrets, string method, long[] ids, CancellationToken ct)
    {
        var payouts = await db.Payouts.AsNoTracking().Where(p => ids.Contains(p.Id))
            .Select(p => new { p.Id, p.Account, p.Destination, p.AmountMinor }).ToListAsync(ct);
        var problems = payouts
            .Select(p => (p.Id, Problem: BatchFiles.DestinationProblem(method, p.Account, p.Destination, p.AmountMinor, secrets)))
            .Where(p => p.Problem is not null).GroupBy(p => p.Problem!, p => p.Id).ToList();
        if (problems.Count == 0) return null;
        var v = new Validation();
        foreach (var problem in problems)
            v.Add("payout_ids", $"Payouts {Ids(problem)} cannot be paid by {method}: {problem.Key}; fail them, and the affiliate's next payout goes where PUT /v1/affiliates/{{id}}/payout-method says.");
        return v.ToProblem();
    }

    private static Problem NotPending(IReadOnlyList<long> ids) =>
        Problem.InvalidStatus($"Payouts {Ids(ids)} are not pending; a batch takes pending payouts only. Nothing was moved.");

    public static string Ids(IEnumerable<long> ids) => string.Join(", ", ids.Order());

    /// <summary>
    /// Re-derives the batch's status from its payouts, inside the caller's transaction. The batch row is locked first
    /// so two payouts of one batch finishing at once are counted one after the other, never both against stale counts.
    /// The move out of open (or sent) into a final status is the batch's payout_batch.completed event.
    /// </summary>
    public static async Task RefreshStatusAsync(RemitDb db, long batchId, DateTime at, CancellationToken ct)
    {
        await db.PayoutBatches.Where(b => b.Id == batchId).ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, b => b.Status), ct);
        var before = await db.PayoutBatches.Where(b => b.Id == batchId).Select(b => b.Status).SingleAsync(ct);
        var counts = await db.Payouts.Where(p => p.BatchId == batchId).GroupBy(p => p.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(string status) => counts.FirstOrDefault(c => c.Status == status)?.Count ?? 0;
        var sent = await db.PayoutBatches.Where(b => b.Id == batchId).Select(b => b.SentAt != null).SingleAsync(ct);
        var status = BatchStatus.Derive(sent, Count(PayoutStatus.Processing) + Count(PayoutStatus.Pending), Count(PayoutStatus.Completed), Count(PayoutStatus.Failed));
        await db.PayoutBatches.Where(b => b.Id == batchId).ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, status), ct);
        if (before is BatchStatus.Open or BatchStatus.Sent && status is not (BatchStatus.Open or BatchStatus.Sent))
            await WebhookEvents.BatchAsync(db, WebhookEventTypes.BatchCompleted, batchId, at, ct);
    }

    /// <summary>
    /// A batch paid from its file: the merchant says it went out, and each processing payout completes through the
    /// lifecycle. A crypto payout needs its transaction hash, valid for its network; all are checked before any moves.
    /// </summary>
    public static async Task<Outcome<PayoutBatch>> CompleteAsync(RemitDb db, long batchId, string? reference, string? notes,
        IReadOnlyDictionary<long, string> references, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var batch = await db.PayoutBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId, ct);
        if (batch is null) return Problem.NotFound("Batch not found.");
        var payouts = await db.Payouts.AsNoTracking().Where(p => p.BatchId == batchId)
            .Select(p => new { p.Id, p.Status, p.Account.Network }).ToListAsync(ct);
        var v = new Validation();
        foreach (var id in references.Keys.Where(id => payouts.All(p => p.Id != id)))
            v.Add($"references.{id}", $"Payout {id} is not in batch {batchId}.");
        var processing = payouts.Where(p => p.Status == PayoutStatus.Processing).ToList();
        if (batch.Method == PayoutMethods.Crypto)
        {
            var lacking = processing.Where(p => !CryptoAddress.IsValidTransactionHash(p.Network, references.GetValueOrDefault(p.Id, reference!))).Select(p => p.Id).ToList();
            if (lacking.Count > 0)
                v.Add("references", $"Payouts {Ids(lacking)} need a transaction hash valid for their network (EVM: 0x + 64 hex; Solana: a base58 signature).");
        }
        if (!v.IsValid) return v.ToProblem();
        if (ApprovalProblem(batch, "completed") is { } unapproved) return unapproved;
        if (batch.SentAt is not null)
            return Problem.InvalidStatus($"Batch {batchId} was sent through the PayPal API; its payouts complete when PayPal reports them (sync or webhook).");
        if (processing.Count == 0)
            return Problem.InvalidStatus($"Batch {batchId} is {batch.Status}; it has no processing payouts left to complete.");

        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Set-based: one UPDATE over the batch, one audit insert, one status refresh, whatever the batch's size. A payout
        // moved by someone else meanwhile (failed or completed by hand, or a racing batch completion) is left as it is.
        var completed = await PayoutActions.CompleteBatchAsync(db, batch.ProgramId, batchId, reference,
            references, notes ?? $"batch {batchId}", actor, now, ct);
        if (completed.Count == 0)
        {
            await tx.RollbackAsync(ct);
            return Problem.InvalidStatus($"Batch {batchId} has no processing payouts left to complete; they were completed or failed meanwhile.");
        }
        await RefreshStatusAsync(db, batchId, now, ct);
        db.AuditEvents.Add(actor.Record(batch.ProgramId, "batch.completed", "batch", batchId, now, notes: reference));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        PayoutLog.For(db).CompletedWithBatch(completed.Count, batch.ProgramId, batchId, actor.Type, actor.Id, string.Join(',', completed));
        var done = await db.PayoutBatches.AsNoTracking().SingleAsync(b => b.Id == batchId, ct);
        BatchLog.For(db).Completed(batchId, batch.ProgramId, completed.Count, done.Status, actor.Type, actor.Id);
        return Outcome<PayoutBatch>.Ok(done);
    }

    public static async Task<BatchDto> ToDtoAsync(RemitDb db, PayoutBatch batch, CancellationToken ct) =>
        BatchDto.Of(batch, await db.Payouts.Where(p => p.BatchId == batch.Id).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(ct));
}
