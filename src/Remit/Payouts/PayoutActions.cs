using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Api;
using Remit.Audit;
using Remit.Commissions;
using Remit.Data;
using Remit.Programs;
using Remit.Webhooks;

namespace Remit.Payouts;

/// <summary>What a transition asks for besides its target status.</summary>
public sealed record TransitionInput(string? Reference = null, string? Notes = null, string? Reason = null);

public sealed record BulkFailure(long Id, string Code, string Message);
public sealed record BulkResult(IReadOnlyList<long> Succeeded, IReadOnlyList<BulkFailure> Failed);

/// <summary>
/// Creating payouts and moving them through the lifecycle. The API (single and bulk), request approval and the
/// dashboard all come here, so the rules live once.
/// </summary>
public static class PayoutActions
{
    /// <summary>
    /// Makes a pending payout of ALL the affiliate's payable commissions. Must run inside the caller's transaction:
    /// the claim is one conditional UPDATE (only commissions still free), so two racing creations cannot both take a
    /// commission. No payout (null) when nothing was payable, or when what was payable (<c>Payable</c>, minor units)
    /// is more than <see cref="Money.MaxPayoutMinor"/>; the caller then rolls back. A scheduled payout names its payout
    /// day: a second one for the same affiliate and day fails on the unique key before it claims anything.
    /// </summary>
    public static async Task<(Payout? Payout, decimal Payable)> CreateAsync(RemitDb db, AffiliateProgram program, Affiliate affiliate, string source,
        long? requestId, Actor actor, DateTime now, CancellationToken ct, DateOnly? scheduleDate = null) =>
        (await CreateManyAsync(db, program, [affiliate], source, requestId, 0, actor, now, ct, scheduleDate))[affiliate.Id];

    /// <summary>
    /// <see cref="CreateAsync"/> for many affiliates at once (the schedule pays them in chunks), in a fixed number of
    /// statements however many: insert the payouts, claim every payable commission of each affiliate for its payout
    /// in one conditional UPDATE, sum them per payout, drop the payouts not worth making, then the link rows, amounts,
    /// history and webhook events of the rest, one statement each. The one way a payout is made, so a manual payout,
    /// an approved request and a payout day make the same rows. Runs in the caller's transaction. Keyed by affiliate:
    /// the payout made (null when none) and what was claimed for it (minor units). A payout is made only of a claimed
    /// sum above zero, at least <paramref name="minPayoutMinor"/> and at most <see cref="Money.MaxPayoutMinor"/>,
    /// judged on what was claimed, not on a balance read before (a commission voided or another payout made since).
    /// A scheduled payout for an affiliate who has one for that day already fails the whole call on the unique key,
    /// before anything is claimed.
    /// </summary>
    public static async Task<Dictionary<long, (Payout? Payout, decimal Payable)>> CreateManyAsync(RemitDb db, AffiliateProgram program,
        IReadOnlyCollection<Affiliate> affiliates, string source, long? requestId, long minPayoutMinor, Actor actor, DateTime now,
        CancellationToken ct, DateOnly? scheduleDate = null)
    {
        // Inserted through EF, not an INSERT … SELECT from affiliates: the snapshot (the destination label above all)
        // is C# the affiliate pages share, and written twice it could drift.
        var payouts = affiliates.Select(a => NewPayout(program, a, source, requestId, scheduleDate, now)).ToList();
        db.Payouts.AddRange(payouts);
        await db.SaveChangesAsync(ct);
        // Later statements write them directly; nothing tracked may be saved over them afterwards.
        foreach (var payout in payouts) db.Entry(payout).State = EntityState.Detached;
        var ids = payouts.Select(p => p.Id).ToList();
        var affiliateIds = payouts.Select(p => p.AffiliateId).ToList();

        // Each affiliate's free payable commissions to the payout just made for that affiliate, in one conditional UPDATE.
        var cutoff = CommissionStatus.PayableCutoff(now, program.HoldDays);
        await db.Commissions.Where(c => affiliateIds.Contains(c.AffiliateId)).Where(CommissionStatus.IsPayable(cutoff))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.PayoutId,
                c => db.Payouts.Where(p => ids.Contains(p.Id) && p.AffiliateId == c.AffiliateId).Select(p => (long?)p.Id).First()), ct);

        // Summed by the database over exactly the rows just claimed, as a decimal so that rows from before the caps
        // (or any number of them) cannot overflow the sum.
        var totals = await db.Commissions.Where(c => c.PayoutId != null && ids.Contains(c.PayoutId.Value))
            .GroupBy(c => c.PayoutId!.Value)
            .Select(g => new { PayoutId = g.Key, Sum = g.Sum(c => (decimal)c.AmountMinor), From = g.Min(c => c.EarnedAt), To = g.Max(c => c.EarnedAt) })
            .ToDictionaryAsync(t => t.PayoutId, ct);
        var payable = payouts.ToDictionary(p => p.Id, p => totals.TryGetValue(p.Id, out var t) ? t.Sum : 0m);
        var made = payouts.Where(p => payable[p.Id] > 0 && payable[p.Id] >= minPayoutMinor && payable[p.Id] <= Money.MaxPayoutMinor).ToList();
        var madeIds = made.Select(p => p.Id).ToList();
        var dropped = ids.Except(madeIds).ToList();
        if (dropped.Count > 0)
        {
            // Not worth a payout: its commissions go back and it is gone, as if it had never been inserted.
            await db.Commissions.Where(c => c.PayoutId != null && dropped.Contains(c.PayoutId.Value))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.PayoutId, (long?)null), ct);
            await db.Payouts.Where(p => dropped.Contains(p.Id)).ExecuteDeleteAsync(ct);
        }

        if (made.Count > 0)
        {
            var (isMade, madeParameter) = IdsIn(db, madeIds, "payout_id", 1);
            // The link rows keep the payout's make-up after a failure releases the commissions.
            var link = $"INSERT INTO payout_commissions (program_id, payout_id, commission_id) SELECT program_id, payout_id, id FROM commissions WHERE program_id = {{0}} AND {isMade}";
            await db.Database.ExecuteSqlRawAsync(link, [program.Id, madeParameter], ct);
            // Amount = sum of its commissions, always: written by the database from the rows it links, all payouts in
            // one UPDATE … FROM (three correlated subqueries per payout took a third of a chunk's time on SQLite).
            var amounts = $$"""
                UPDATE payouts SET amount_minor = s.amount, period_start = s.first_earned, period_end = s.last_earned
                FROM (SELECT payout_id, SUM(amount_minor) AS amount, MIN(earned_at) AS first_earned, MAX(earned_at) AS last_earned
                      FROM commissions WHERE program_id = {0} AND {{isMade}} GROUP BY payout_id) AS s
                WHERE payouts.program_id = {0} AND payouts.id = s.payout_id
                """;
            await db.Database.ExecuteSqlRawAsync(amounts, [program.Id, madeParameter], ct);
            foreach (var payout in made)
            {
                var t = totals[payout.Id];
                (payout.AmountMinor, payout.PeriodStart, payout.PeriodEnd) = ((long)t.Sum, t.From, t.To);
            }
            await AuditPayoutsAsync(db, madeIds, "payout.created", null, PayoutStatus.Pending,
                source == PayoutSource.Manual ? null : scheduleDate is { } day ? $"source: {source} {day:yyyy-MM-dd}" : $"source: {source}", actor, now, ct);
            await WebhookEvents.PayoutsAsync(db, WebhookEventTypes.PayoutCreated, madeIds, now, ct);
        }
        return payouts.ToDictionary(p => p.AffiliateId, p => (madeIds.Contains(p.Id) ? p : null, payable[p.Id]));
    }

    /// <summary>A new payout of the affiliate, before its commissions are claimed: the one place its snapshot is taken.</summary>
    private static Payout NewPayout(AffiliateProgram program, Affiliate affiliate, string source, long? requestId, DateOnly? scheduleDate, DateTime now) => new()
    {
        ProgramId = program.Id, AffiliateId = affiliate.Id, Currency = program.Currency, Source = source,
        RequestId = requestId, ScheduleDate = scheduleDate, Method = affiliate.PayoutMethod, Destination = affiliate.Destination, CreatedAt = now,
        // The snapshot: the account (number still encrypted) as it is now; editing the affiliate later changes nothing here.
        Account = affiliate.Account,
        // Details the affiliate changed and the merchant has not confirmed: this payout waits for that confirmation.
        HeldForDetailsAt = affiliate.UnconfirmedDetailsAt,
    };

    /// <summary>The refusal for a payable balance over the maximum payout.</summary>
    public static string TooLarge(decimal payableMinor, string currency) =>
        $"The payable balance ({Money.Format(Money.ToDecimal(payableMinor, currency), currency)} {currency}) is more than one payout may be " +
        $"(at most {Money.Format(Money.MaxPayoutMinor, currency)} {currency}); void commissions so it fits.";

    /// <summary>
    /// Why no payout was made of a payable sum (minor units): too large for one payout, negative (claw-backs not yet
    /// covered by later commissions; the balance carries forward), or nothing at all.
    /// </summary>
    public static string NothingToPay(decimal payableMinor, string currency) =>
        payableMinor > Money.MaxPayoutMinor ? TooLarge(payableMinor, currency)
        : payableMinor < 0 ? $"The affiliate's payable balance is negative ({Money.Format(Money.ToDecimal(payableMinor, currency), currency)} {currency}): claw-backs are owed back first, and nothing is paid until later commissions cover them."
        : "The affiliate has no payable commissions.";

    /// <summary>POST /v1/payouts: a manual payout of everything payable now, in its own transaction.</summary>
    public static async Task<Outcome<Payout>> CreateManualAsync(RemitDb db, long? affiliateId, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        if (affiliateId is null) return Problem.Invalid("affiliate_id", "affiliate_id is required.");
        var program = await db.CurrentProgramAsync(ct);
        var affiliate = await db.Affiliates.AsNoTracking().SingleOrDefaultAsync(a => a.Id == affiliateId, ct);
        if (affiliate is null) return Problem.NotFound("Affiliate not found.");
        if (MethodProblem(program, affiliate) is { } problem) return problem;

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (payout, payable) = await CreateAsync(db, program, affiliate, PayoutSource.Manual, null, actor, clock.GetUtcNow().UtcDateTime, ct);
        if (payout is null)
            return Problem.Invalid("affiliate_id", NothingToPay(payable, program.Currency));
        await tx.CommitAsync(ct);
        PayoutLog.For(db).Created(payout, actor);
        return Outcome<Payout>.Ok(payout);
    }

    /// <summary>A payout goes by the affiliate's method, which the program's plan must include.</summary>
    public static Problem? MethodProblem(AffiliateProgram program, Affiliate affiliate)
    {
        if (affiliate.Status != AffiliateStatus.Active)
            return Problem.Invalid("affiliate_id", "The affiliate is disabled.");
        if (affiliate.PayoutMethod is { } method && Plans.Refusal(program.Plan, method) is { } refusal)
            return Problem.Invalid("affiliate_id", refusal);
        return null;
    }

    /// <summary>
    /// Moves one payout to <paramref name="to"/> if the lifecycle table allows it from its current status (see
    /// <see cref="MoveAsync"/>). Checks come in the contract's order: 404, then 422 (the input), then 409 (the state).
    /// </summary>
    public static async Task<Outcome<Payout>> TransitionAsync(RemitDb db, long payoutId, string to, TransitionInput input,
        Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var (moved, refused) = await MoveAsync(db, [payoutId], to, _ => input, actor, clock, ct);
        return refused.TryGetValue(payoutId, out var problem) ? problem : Outcome<Payout>.Ok(moved[0]);
    }

    /// <summary>
    /// Moves each of <paramref name="ids"/> to <paramref name="to"/> where the lifecycle table allows it from the
    /// payout's status, each judged on its own (a refusal holds back no other), all in one transaction: the status
    /// changes, what they do to the commissions, their history, webhooks and batch statuses commit together or not at
    /// all. Set-based, so a bulk of 1,000 costs a few statements, not a few thousand.
    /// </summary>
    /// <remarks>
    /// The named rows are locked first (row locks on PostgreSQL, the write lock on SQLite), so between
    /// reading their statuses and comparing them after the conditional UPDATEs no other request can move them: a row
    /// whose status changed was moved here, exactly once however many requests race. The payout-details hold and the
    /// tax-form gate are conditions of the UPDATEs themselves, so a hold or an invalidated form committed meanwhile is
    /// seen. Returns the moved payouts as they now are, and a problem for each refused id (404, 422, then 409).
    /// </remarks>
    private static async Task<(List<Payout> Moved, Dictionary<long, Problem> Refused)> MoveAsync(RemitDb db, IReadOnlyList<long> ids,
        string to, Func<long, TransitionInput> input, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var refused = new Dictionary<long, Problem>();
        var inputs = new Dictionary<long, TransitionInput>();
        var named = await db.Payouts.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        foreach (var id in ids)
        {
            if (!named.TryGetValue(id, out var payout))
            {
                refused[id] = Problem.NotFound("Payout not found.");
                continue;
            }
            var (clean, invalid) = ValidateInput(payout, to, input(id));
            if (invalid is null) inputs[id] = clean;
            else refused[id] = invalid;
        }
        if (inputs.Count == 0) return ([], refused);

        var now = clock.GetUtcNow().UtcDateTime;
        var pays = PayoutLifecycle.Pays(to);
        var gated = pays && Tax.TaxPlans.Gates(await db.CurrentProgramAsync(ct));
        var covered = Tax.TaxForms.CoveredAffiliates(db, Tax.TaxForms.Today(clock));
        var tried = inputs.Keys.ToList();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // PostgreSQL locks the rows in id order, so racing bulks over the same payouts queue instead of deadlocking (an
        // UPDATE locks them in scan order, which moves as rows get new versions); SQLite's first write takes its one lock.
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"SELECT id FROM payouts WHERE program_id = {db.ProgramId} AND id = ANY({tried.ToArray()}) ORDER BY id FOR UPDATE", ct);
        else
            await db.Payouts.Where(p => tried.Contains(p.Id)).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, p => p.Status), ct);
        var before = (await db.Payouts.Where(p => tried.Contains(p.Id)).Select(p => new { p.Id, p.Status }).ToListAsync(ct))
            .ToDictionary(p => p.Id, p => p.Status);

        // One conditional UPDATE per status moved from and input given (a shared reference: one or two in all).
        foreach (var group in tried.Where(id => PayoutLifecycle.CanMove(before[id], to)).GroupBy(id => (From: before[id], Input: inputs[id])))
        {
            var from = group.Key.From;
            var (reference, notes, reason) = group.Key.Input;
            var groupIds = group.ToList();
            await db.Payouts.Where(p => groupIds.Contains(p.Id) && p.Status == from && (!gated || covered.Contains(p.AffiliateId)))
                .Where(p => !pays || p.HeldForDetailsAt == null).ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Status, to)
                .SetProperty(p => p.ProcessingAt, p => to == PayoutStatus.Processing ? now : p.ProcessingAt)
                .SetProperty(p => p.CompletedAt, p => to == PayoutStatus.Completed ? now : p.CompletedAt)
                .SetProperty(p => p.FailedAt, p => to == PayoutStatus.Failed ? now : p.FailedAt)
                .SetProperty(p => p.Reference, p => reference ?? p.Reference)
                .SetProperty(p => p.Notes, p => notes ?? p.Notes)
                .SetProperty(p => p.FailureReason, p => to == PayoutStatus.Failed ? reason : p.FailureReason), ct);
        }

        var after = await db.Payouts.AsNoTracking().Where(p => tried.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var moved = tried.Where(id => after[id].Status != before[id]).ToList();
        var held = new List<long>();
        foreach (var id in tried.Except(moved))
        {
            var current = after[id];
            if (pays && PayoutLifecycle.CanMove(current.Status, to) && PayoutHold.IsHeld(current))
                refused[id] = PayoutHold.Refusal([id]);
            else if (gated && PayoutLifecycle.CanMove(current.Status, to))
            {
                held.Add(id);
                refused[id] = Tax.TaxForms.Required([id]);
            }
            else refused[id] = Problem.InvalidStatus($"Payout {id} is {current.Status}; it cannot move to {to}.");
        }

        if (moved.Count > 0)
        {
            // A failed payout gives its commissions back: they are payable again and go into the next payout.
            if (to == PayoutStatus.Failed)
                await db.Commissions.Where(c => c.PayoutId != null && moved.Contains(c.PayoutId.Value))
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.PayoutId, (long?)null), ct);
            foreach (var group in moved.GroupBy(id => (From: before[id], Input: inputs[id])))
            {
                var (reference, notes, reason) = group.Key.Input;
                var historyNotes = to == PayoutStatus.Failed ? Join(reason, notes) : Join(reference is null ? null : $"reference: {reference}", notes);
                await AuditMovedAsync(db, [.. group], group.Key.From, to, historyNotes, actor, now, ct);
            }
            await WebhookEvents.PayoutsAsync(db, WebhookEventTypes.ForPayoutStatus(to)!, moved, now, ct);
            // A batch's status follows its payouts, in the same transaction, whichever way the payout moved.
            foreach (var batchId in moved.Select(id => after[id].BatchId).OfType<long>().Distinct().Order())
                await Batches.BatchActions.RefreshStatusAsync(db, batchId, now, ct);
        }
        await tx.CommitAsync(ct);

        var log = PayoutLog.For(db);
        foreach (var id in moved)
            log.Moved(id, after[id].ProgramId, before[id], to, Money.Format(after[id].AmountMinor, after[id].Currency), after[id].Currency, after[id].BatchId, actor.Type, actor.Id);
        foreach (var id in tried.Except(moved).Except(held))
            log.MoveRefused(id, after[id].ProgramId, after[id].Status, to, actor.Type, actor.Id);
        if (held.Count > 0) Tax.TaxLog.Held(Tax.TaxLog.For(db), string.Join(',', held), db.ProgramId);
        return (moved.Select(id => after[id]).ToList(), refused);
    }

    /// <summary>
    /// The history rows of payouts just moved alike (same from, to and notes), as <see cref="Actor.Record"/> writes them,
    /// in one INSERT … SELECT: written one by one through SaveChanges they were most of a bulk's time (half a
    /// millisecond a row on SQLite). Notes longer than the column (a long reference and long notes) are cut to fit.
    /// </summary>
    private static Task AuditMovedAsync(RemitDb db, IReadOnlyCollection<long> ids, string from, string to, string? notes,
        Actor actor, DateTime now, CancellationToken ct) =>
        AuditPayoutsAsync(db, ids, $"payout.{to}", from, to, notes, actor, now, ct);

    /// <summary>The history rows of payouts that changed alike (a move, or their creation: no from), in one INSERT … SELECT.</summary>
    private static Task AuditPayoutsAsync(RemitDb db, IReadOnlyCollection<long> ids, string action, string? from, string to, string? notes,
        Actor actor, DateTime now, CancellationToken ct)
    {
        var (isMoved, idsParameter) = IdsIn(db, ids, "id", 0);
        // Nulls go in as '' (no actor id, name, from status or note is ever empty), so every parameter has a type on both providers.
        var sql = $$"""
            INSERT INTO audit_events (program_id, actor_type, actor_id, actor_name, action, entity_type, entity_id, from_status, to_status, notes, "at")
            SELECT program_id, {1}, NULLIF(CAST({2} AS text), ''), NULLIF(CAST({3} AS text), ''), {4}, 'payout', id, NULLIF(CAST({5} AS text), ''), {6},
                NULLIF(CAST({7} AS text), ''), {8}
            FROM payouts WHERE program_id = {9} AND {{isMoved}}
            """;
        return db.Database.ExecuteSqlRawAsync(sql,
            [idsParameter, actor.Type, actor.Id ?? "", actor.Name ?? "", action, from ?? "", to, notes is null ? "" : notes[..Math.Min(notes.Length, 2000)], now, db.ProgramId], ct);
    }

    /// <summary>
    /// "<paramref name="column"/> is one of <paramref name="ids"/>" for raw SQL, the ids as one parameter (number
    /// <paramref name="index"/>) on both providers: an array on PostgreSQL, a JSON array on SQLite.
    /// </summary>
    private static (string Sql, object Parameter) IdsIn(RemitDb db, IReadOnlyCollection<long> ids, string column, int index) =>
        db.Database.IsNpgsql()
            ? ($"{column} = ANY({{{index}}})", ids.ToArray())
            : ($"{column} IN (SELECT value FROM json_each({{{index}}}))", System.Text.Json.JsonSerializer.Serialize(ids));

    /// <summary>
    /// Moves ALL the given pending payouts to processing into a batch, or none: one conditional UPDATE (only rows still
    /// pending, of the method, in no batch), and the caller rolls back unless every id moved. Runs in the caller's
    /// transaction; returns how many moved.
    /// </summary>
    public static async Task<int> MoveAllToProcessingAsync(RemitDb db, IReadOnlyCollection<long> ids, string method, long batchId,
        Actor actor, DateTime now, CancellationToken ct)
    {
        // Batches take pending payouts only; the lifecycle table must allow that step, or nothing moves.
        if (!PayoutLifecycle.CanMove(PayoutStatus.Pending, PayoutStatus.Processing)) return 0;
        var gated = Tax.TaxPlans.Gates(await db.CurrentProgramAsync(ct));
        var covered = Tax.TaxForms.CoveredAffiliates(db, DateOnly.FromDateTime(now));
        var moved = await db.Payouts
            .Where(p => ids.Contains(p.Id) && p.Status == PayoutStatus.Pending && p.Method == method && p.BatchId == null)
            .Where(PayoutHold.IsFree)
            .Where(p => !gated || covered.Contains(p.AffiliateId))
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.Status, PayoutStatus.Processing)
                .SetProperty(p => p.ProcessingAt, now)
                .SetProperty(p => p.BatchId, batchId), ct);
        if (moved != ids.Count) return moved;
        // Every id moved (checked above), so their history rows are the moved rows'.
        await AuditMovedAsync(db, ids, PayoutStatus.Pending, PayoutStatus.Processing, "batch " + batchId.ToString(CultureInfo.InvariantCulture), actor, now, ct);
        await WebhookEvents.PayoutsAsync(db, WebhookEventTypes.PayoutProcessing, ids, now, ct);
        return moved;
    }

    /// <summary>
    /// Completes every processing payout of a batch at once, in the caller's transaction, set-based: one conditional
    /// UPDATE over the batch (only rows still processing, so a payout that a racing request completed or failed first
    /// is left alone and each payout completes exactly once), then one INSERT ... SELECT of the audit events for exactly
    /// the rows that UPDATE returned. A payout's reference is its entry in <paramref name="references"/>, else
    /// <paramref name="reference"/>; the audit notes read as <see cref="TransitionAsync"/> writes them. Returns the ids
    /// completed; the caller refreshes the batch's status.
    /// </summary>
    public static async Task<IReadOnlyList<long>> CompleteBatchAsync(RemitDb db, long programId, long batchId, string? reference,
        IReadOnlyDictionary<long, string> references, string notes, Actor actor, DateTime now, CancellationToken ct)
    {
        // A batch completes what it sent; the lifecycle table must allow that step, or nothing moves.
        if (!PayoutLifecycle.CanMove(PayoutStatus.Processing, PayoutStatus.Completed)) return [];
        var refsJson = System.Text.Json.JsonSerializer.Serialize(references.ToDictionary(r => r.Key.ToString(CultureInfo.InvariantCulture), r => r.Value));
        var postgres = db.Database.IsNpgsql();
        // The per-payout reference, looked up in a JSON object by the row's id (one parameter for any number of payouts).
        var perPayout = postgres ? "(CAST({0} AS jsonb) ->> CAST(id AS text))" : "json_extract({0}, '$.\"' || id || '\"')";
        // Nulls go in as '' (no reference or actor id is ever empty), so every parameter has a type on both providers.
        var referenceOf = $"COALESCE({perPayout}, NULLIF(CAST({{1}} AS text), ''))";
        // Only fixed SQL fragments are spliced in; every value is a parameter.
        var update = $$"""
            UPDATE payouts SET status = {2}, completed_at = {3}, reference = COALESCE({{referenceOf}}, reference), notes = {4}
            WHERE program_id = {5} AND batch_id = {6} AND status = {7}
            RETURNING id AS "Value"
            """;
        var moved = await db.Database.SqlQueryRaw<long>(update,
            refsJson, reference ?? "", PayoutStatus.Completed, now, notes, programId, batchId, PayoutStatus.Processing)
            .ToListAsync(ct);
        if (moved.Count == 0) return moved;

        var (isMoved, movedParameter) = IdsIn(db, moved, "id", 8);
        var audit = $$"""
            INSERT INTO audit_events (program_id, actor_type, actor_id, actor_name, action, entity_type, entity_id, from_status, to_status, notes, "at")
            SELECT program_id, {9}, NULLIF(CAST({10} AS text), ''), NULLIF(CAST({11} AS text), ''), {12}, 'payout', id, {7}, {2},
                substr(CASE WHEN {{referenceOf}} IS NULL THEN {4} ELSE 'reference: ' || {{referenceOf}} || ' — ' || {4} END, 1, 2000), {3}
            FROM payouts WHERE program_id = {5} AND {{isMoved}}
            """;
        await db.Database.ExecuteSqlRawAsync(audit,
            [refsJson, reference ?? "", PayoutStatus.Completed, now, notes, programId, batchId, PayoutStatus.Processing,
             movedParameter, actor.Type, actor.Id ?? "", actor.Name ?? "", $"payout.{PayoutStatus.Completed}"], ct);
        await WebhookEvents.PayoutsAsync(db, WebhookEventTypes.PayoutCompleted, moved, now, ct);
        return moved;
    }

    /// <summary>
    /// Money that came back (a bank return code, a PayPal reversal). A processing payout never reached the affiliate:
    /// it fails with the reason, through the lifecycle. A completed one stays completed (the lifecycle table has no
    /// way back) and is marked returned, and an adjustment commission of the same amount owes the money again, so it
    /// goes into the affiliate's next payout. Both in one transaction, guarded by a conditional update so a payout is
    /// returned once. Any other status is 409.
    /// </summary>
    public static async Task<Outcome<Payout>> ReturnAsync(RemitDb db, long payoutId, string code, string reason, DateOnly date,
        Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var payout = await db.Payouts.AsNoTracking().SingleOrDefaultAsync(p => p.Id == payoutId, ct);
        if (payout is null) return Problem.NotFound("Payout not found.");
        if (payout.Status == PayoutStatus.Processing)
            return await TransitionAsync(db, payoutId, PayoutStatus.Failed, new TransitionInput(Reason: $"{code}: {reason}", Notes: $"returned {date:yyyy-MM-dd}"), actor, clock, ct);
        if (payout.Status != PayoutStatus.Completed)
            return Problem.InvalidStatus($"Payout {payoutId} is {payout.Status}; only a processing or completed payout can be returned.");
        if (payout.ReturnedAt is not null)
            return Problem.InvalidStatus($"Payout {payoutId} was already returned ({payout.ReturnCode}).");

        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var marked = await db.Payouts.Where(p => p.Id == payoutId && p.Status == PayoutStatus.Completed && p.ReturnedAt == null)
            .ExecuteUpdateAsync(s => s
                .SetProperty(p => p.ReturnedAt, now)
                .SetProperty(p => p.ReturnDate, date)
                .SetProperty(p => p.ReturnCode, code)
                .SetProperty(p => p.ReturnReason, reason), ct);
        if (marked == 0) return Problem.InvalidStatus($"Payout {payoutId} was already returned.");

        var adjustment = new Commission
        {
            ProgramId = payout.ProgramId, AffiliateId = payout.AffiliateId, AmountMinor = payout.AmountMinor, Currency = payout.Currency,
            Kind = CommissionKind.Adjustment, Description = $"Returned payout {payoutId}: {code} {reason}",
            // Earned when the returned commissions were: they already served their hold, and a return is no new sale to
            // wait on, so the money is payable again at once.
            EarnedAt = payout.PeriodEnd ?? now, CreatedAt = now,
        };
        db.Commissions.Add(adjustment);
        await db.SaveChangesAsync(ct);
        db.AuditEvents.Add(actor.Record(payout.ProgramId, ReturnedAction, "payout", payoutId, now, notes: $"{code}: {reason} ({date:yyyy-MM-dd}); adjustment commission {adjustment.Id}"));
        db.AuditEvents.Add(actor.Record(payout.ProgramId, "commission.created", "commission", adjustment.Id, now, notes: $"adjustment for returned payout {payoutId}"));
        await db.SaveChangesAsync(ct);
        await WebhookEvents.PayoutAsync(db, WebhookEventTypes.PayoutReturned, payoutId, now, ct);
        await tx.CommitAsync(ct);
        PayoutLog.For(db).Returned(payoutId, payout.ProgramId, code, Money.Format(payout.AmountMinor, payout.Currency), payout.Currency, adjustment.Id, actor.Type, actor.Id);
        return Outcome<Payout>.Ok(await db.Payouts.AsNoTracking().SingleAsync(p => p.Id == payoutId, ct));
    }

    /// <summary>A return is no status (the payout stays completed); its history entry and audit action use these.</summary>
    public const string Returned = "returned", ReturnedAction = "payout.returned";

    public const int MaxBulk = 1000;

    /// <summary>A bulk action names 1 to <see cref="MaxBulk"/> distinct positive payout ids.</summary>
    public static long[] BulkIds(long[]? ids, Validation v)
    {
        if (ids is null || ids.Length == 0 || ids.Length > MaxBulk)
            v.Add("ids", $"ids must list 1 to {MaxBulk} payout ids.");
        else if (ids.Distinct().Count() != ids.Length)
            v.Add("ids", "ids must not repeat an id.");
        else if (ids.Any(id => id <= 0))
            v.Add("ids", "ids must be positive integers.");
        return ids ?? [];
    }

    /// <summary>
    /// Completes the given payouts, each with its own reference from <paramref name="references"/> (keyed by payout id,
    /// as JSON and form fields name them) or else the shared <paramref name="reference"/>. The input is checked as a
    /// whole first (a reference for a payout not in <paramref name="ids"/> is a mistake, not ignored): invalid, nothing moves.
    /// </summary>
    public static async Task<Outcome<BulkResult>> BulkCompleteAsync(RemitDb db, long[]? ids, string? reference, string? notes,
        IReadOnlyDictionary<string, string>? references, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var checkedIds = BulkIds(ids, v);
        var shared = v.Text(reference, "reference", 255);
        var cleanNotes = v.Text(notes, "notes", 2000);
        var perPayout = new Dictionary<long, string>();
        foreach (var (key, value) in references ?? new Dictionary<string, string>())
        {
            if (!long.TryParse(key, out var id) || !checkedIds.Contains(id))
                v.Add($"references.{key}", $"references.{key} names a payout that is not in ids.");
            else if (v.Text(value, $"references.{key}", 255) is { } text)
                perPayout[id] = text;
        }
        if (!v.IsValid) return v.ToProblem();
        return Outcome<BulkResult>.Ok(await BulkTransitionAsync(db, checkedIds, PayoutStatus.Completed,
            id => new TransitionInput(perPayout.GetValueOrDefault(id, shared!), cleanNotes), actor, clock, ct));
    }

    /// <summary>Each id moves on its own terms (one refusal never holds back the others), all in one transaction
    /// (<see cref="MoveAsync"/>); the answer lists the ids in the order given.</summary>
    public static async Task<BulkResult> BulkTransitionAsync(RemitDb db, long[] ids, string to, Func<long, TransitionInput> input,
        Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var (_, refused) = await MoveAsync(db, ids, to, input, actor, clock, ct);
        var succeeded = ids.Where(id => !refused.ContainsKey(id)).ToList();
        var failed = ids.Where(refused.ContainsKey).Select(id => new BulkFailure(id, refused[id].Code, refused[id].Message)).ToList();
        PayoutLog.For(db).BulkMoved(to, db.ProgramId, succeeded.Count, failed.Count, actor.Type, actor.Id);
        return new BulkResult(succeeded, failed);
    }

    private static string? Join(string? a, string? b) => (a, b) switch
    {
        (null, null) => null,
        (null, _) => b,
        (_, null) => a,
        _ => $"{a} — {b}",
    };

    private static (TransitionInput Clean, Problem? Error) ValidateInput(Payout payout, string to, TransitionInput input)
    {
        var v = new Validation();
        var clean = new TransitionInput(v.Text(input.Reference, "reference", 255), v.Text(input.Notes, "notes", 2000), v.Text(input.Reason, "reason", 2000));
        if (to == PayoutStatus.Completed && payout.Method == PayoutMethods.Crypto)
        {
            var network = payout.Account.Network ?? "";
            if (clean.Reference is null)
                v.Add("reference", "A crypto payout is completed with its transaction hash as reference.");
            else if (!Payments.CryptoAddress.IsValidTransactionHash(network, clean.Reference))
                v.Add("reference", $"reference is not a valid {network} transaction hash.");
        }
        return (clean, v.IsValid ? null : v.ToProblem());
    }
}
