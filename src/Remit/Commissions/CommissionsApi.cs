using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Api;
using Remit.Data;
using Remit.Payouts;

namespace Remit.Commissions;

public sealed record CommissionDto(
    long Id, long AffiliateId, decimal Amount, string Currency, string? Description, string? Reference, string Kind,
    string Status, DateTime EarnedAt, DateTime CreatedAt, DateTime? VoidedAt, long? PayoutId, long? ClawbackOf, decimal ClawedBack);

/// <summary>POST /v1/commissions. <c>kind</c> is sale (default) or adjustment; a negative adjustment is a refund (see <see cref="CommissionActions.CreateAsync"/>).</summary>
public sealed record CommissionBody(long? AffiliateId, decimal? Amount, string? Description, string? Reference, DateTime? EarnedAt, string? Kind = null);

public sealed record ClawBackBody(decimal? Amount);

public sealed record CommissionRow(Commission Commission, string? PayoutStatus)
{
    public CommissionDto ToDto(DateTime cutoff)
    {
        var c = Commission;
        return new(c.Id, c.AffiliateId, Money.ToDecimal(c.AmountMinor, c.Currency), c.Currency, c.Description, c.Reference,
            c.Kind, CommissionStatus.Of(c.VoidedAt, PayoutStatus, c.EarnedAt, c.AmountMinor, cutoff), c.EarnedAt, c.CreatedAt, c.VoidedAt, c.PayoutId,
            c.ClawbackOf, Money.ToDecimal(c.ClawedBackMinor, c.Currency));
    }
}

public static class CommissionsApi
{
    public static IEndpointRouteBuilder MapCommissions(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1/commissions", "Commissions");
        group.MapGet("/", List).RequireAuthorization(Scopes.CommissionsRead)
            .WithQuery(QueryDocs.Paging, QueryDocs.CommissionFilters)
            .WithName("listCommissions").WithSummary("List commissions")
            .WithDescription("Commissions of the program, a page at a time (`page`, `per_page`), filtered by `affiliate_id` and `status`.")
            .Produces<ErrorEnvelope>(404);
        group.MapGet("/{id:long}", Get).RequireAuthorization(Scopes.CommissionsRead)
            .WithName("getCommission").WithSummary("Get a commission")
            .WithDescription("One commission, with the payout that paid it, if any.");
        group.MapPost("/", Create).RequireAuthorization(Scopes.CommissionsWrite).Accepts<CommissionBody>("application/json")
            .WithName("createCommission").WithSummary("Record a commission")
            .WithDescription("What an affiliate (`affiliate_id`) earned: `amount` in the program's currency (no more decimals than it has), optional `description`, `reference` (unique per program), `earned_at` and `kind` (`sale`, the default, or `adjustment`). It becomes payable after the program's hold days. A refund is `kind: adjustment` with a negative `amount` and the `reference` of the refunded order's commission: it is that commission's claw-back, with the rules and answers of `POST /v1/commissions/{id}/claw-back` (payable at once, only a paid commission, never more than is left; `description` and `earned_at` are the claw-back's own).")
            .Produces<ErrorEnvelope>(404).Produces<ErrorEnvelope>(409);
        group.MapPost("/{id:long}/claw-back", ClawBack).RequireAuthorization(Scopes.CommissionsWrite).Accepts<ClawBackBody>("application/json")
            .WithName("clawBackCommission").WithSummary("Claw back a paid commission")
            .WithDescription("An order refunded after its commission was paid: records a negative `adjustment` commission (`clawback_of` names this one, no `reference`) of `amount` (positive; default what is not yet clawed back). It is payable at once and nets against what the affiliate earns next; a negative balance carries forward and nothing is paid until later commissions cover it. Only a `paid` commission (else 409 `INVALID_STATUS`); at most what is not yet clawed back (409 when claw-backs already took it).")
            .Produces<ErrorEnvelope>(404).Produces<ErrorEnvelope>(409);
        group.MapPost("/{id:long}/void", Void).RequireAuthorization(Scopes.CommissionsWrite)
            .WithName("voidCommission").WithSummary("Void a commission")
            .WithDescription("Voids a commission not yet in a payout, so it is never paid. Takes no body.")
            .Produces<ErrorEnvelope>(409);
        return app;
    }

    private static IQueryable<CommissionRow> Rows(IQueryable<Commission> commissions) =>
        commissions.Select(c => new CommissionRow(c, c.Payout != null ? c.Payout.Status : null));

    public static async Task<Results<Ok<ListEnvelope<CommissionDto>>, ApiError>> List(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(http.Request, v);
        var affiliateId = QueryParams.Id(http.Request.Query, "affiliate_id", v);
        var status = QueryParams.OneOf(http.Request, "status", CommissionStatus.All, v, many: false);
        if (affiliateId is { } aid && !await db.Affiliates.AnyAsync(a => a.Id == aid, ct)) return Problem.NotFound("Affiliate not found.").ToHttp();
        if (!v.IsValid) return v.ToProblem().ToHttp();
        var program = await db.CurrentProgramAsync(ct);
        var cutoff = CommissionStatus.PayableCutoff(clock.GetUtcNow().UtcDateTime, program.HoldDays);
        var commissions = db.Commissions.AsNoTracking();
        if (affiliateId is { } id) commissions = commissions.Where(c => c.AffiliateId == id);
        if (status is [var s]) commissions = commissions.Where(CommissionStatus.Is(s, cutoff));
        var rows = Rows(commissions.OrderByDescending(c => c.EarnedAt).ThenByDescending(c => c.Id));
        return TypedResults.Ok(await paging.ApplyAsync(rows, r => r.ToDto(cutoff), http, ct));
    }

    public static async Task<Results<Ok<DataEnvelope<CommissionDto>>, ApiError>> Get(long id, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var dto = await FindAsync(db, id, clock, ct);
        return dto is null ? Problem.NotFound("Commission not found.").ToHttp() : TypedResults.Ok(new DataEnvelope<CommissionDto>(dto));
    }

    private static async Task<CommissionDto?> FindAsync(RemitDb db, long id, TimeProvider clock, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        var row = await Rows(db.Commissions.AsNoTracking().Where(c => c.Id == id)).SingleOrDefaultAsync(ct);
        return row?.ToDto(CommissionStatus.PayableCutoff(clock.GetUtcNow().UtcDateTime, program.HoldDays));
    }

    public static async Task<Results<Created<DataEnvelope<CommissionDto>>, ApiError>> Create(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<CommissionBody>(http.Request);
        if (error is not null) return error.ToHttp();
        var outcome = await CommissionActions.CreateAsync(db, body ?? new CommissionBody(null, null, null, null, null), http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        var dto = await FindAsync(db, outcome.Value!.Id, clock, ct);
        return TypedResults.Created($"/v1/commissions/{dto!.Id}", new DataEnvelope<CommissionDto>(dto));
    }

    public static async Task<Results<Created<DataEnvelope<CommissionDto>>, ApiError>> ClawBack(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<ClawBackBody>(http.Request);
        if (error is not null) return await error.ToHttpAsync(() => db.Commissions.AnyAsync(c => c.Id == id, ct), "Commission not found.");
        var outcome = await CommissionActions.ClawBackAsync(db, id, body?.Amount, http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        var dto = await FindAsync(db, outcome.Value!.Id, clock, ct);
        return TypedResults.Created($"/v1/commissions/{dto!.Id}", new DataEnvelope<CommissionDto>(dto));
    }

    public static async Task<Results<Ok<DataEnvelope<CommissionDto>>, ApiError>> Void(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var outcome = await CommissionActions.VoidAsync(db, id, http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        return TypedResults.Ok(new DataEnvelope<CommissionDto>((await FindAsync(db, id, clock, ct))!));
    }
}

/// <summary>Recording commissions: shared by the API and the dashboard.</summary>
public static class CommissionActions
{
    public static async Task<Outcome<Commission>> CreateAsync(RemitDb db, CommissionBody body, Audit.Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;

        var affiliate = body.AffiliateId is { } aid ? await db.Affiliates.AsNoTracking().SingleOrDefaultAsync(a => a.Id == aid, ct) : null;
        if (body.AffiliateId is not null && affiliate is null) return Problem.NotFound("Affiliate not found.");
        var v = new Validation();
        v.Require(body.AffiliateId is not null, "affiliate_id", "affiliate_id is required.");
        if (affiliate is { Status: not AffiliateStatus.Active }) v.Add("affiliate_id", "The affiliate is disabled.");
        var kind = body.Kind ?? CommissionKind.Sale;
        if (kind is not (CommissionKind.Sale or CommissionKind.Adjustment)) v.Add("kind", "kind must be sale or adjustment.");
        if (body.Amount < 0)
        {
            if (kind == CommissionKind.Adjustment) return await RefundAsync(db, program, affiliate, body, actor, clock, ct);
            v.Add("amount", "amount must be greater than zero; a refund is kind adjustment with a negative amount and the refunded order's reference.");
        }
        var max = Money.ToDecimal(Money.MaxCommissionMinor, program.Currency);
        var amount = body.Amount > max || body.Amount < 0 ? null : v.Amount(body.Amount, program.Currency, "amount", required: true);
        if (body.Amount > max) v.Add("amount", $"amount must be at most {Money.Format(max, program.Currency)} {program.Currency}.");
        var description = v.Text(body.Description, "description", 500);
        var reference = v.Text(body.Reference, "reference", 255);
        var earnedAt = body.EarnedAt?.ToUniversalTime() ?? now;
        if (earnedAt > now) v.Add("earned_at", "earned_at must not be in the future.");
        if (!v.IsValid) return v.ToProblem();

        if (reference is not null && await Duplicate(db, reference, ct) is { } existing) return existing;
        var commission = new Commission
        {
            ProgramId = program.Id, AffiliateId = affiliate!.Id, AmountMinor = amount!.Value, Currency = program.Currency,
            Description = description, Reference = reference, Kind = kind, EarnedAt = earnedAt, CreatedAt = now,
        };
        db.Commissions.Add(commission);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException) when (reference is not null)
        {
            // Two requests raced with one reference: the unique index let one in; this one answers as a duplicate.
            return await Duplicate(db, reference, ct) ?? throw new InvalidOperationException("Commission insert failed.");
        }
        db.AuditEvents.Add(actor.Record(program.Id, "commission.created", "commission", commission.Id, now));
        await db.SaveChangesAsync(ct);
        CommissionLog.For(db).Created(commission.Id, program.Id, commission.AffiliateId, Money.Format(commission.AmountMinor, commission.Currency), commission.Currency, actor.Type, actor.Id);
        return Outcome<Commission>.Ok(commission);
    }

    /// <summary>
    /// A negative adjustment through POST /v1/commissions: the refund of the order whose commission has the given
    /// reference, recorded as that commission's claw-back so the one rule (<see cref="ClawBackAsync"/>) decides it —
    /// only a paid commission, never more than is left, even under racing refunds.
    /// </summary>
    private static async Task<Outcome<Commission>> RefundAsync(RemitDb db, Programs.AffiliateProgram program, Affiliate? affiliate, CommissionBody body,
        Audit.Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        v.Require(affiliate is not null, "affiliate_id", "affiliate_id is required.");
        if (affiliate is { Status: not AffiliateStatus.Active }) v.Add("affiliate_id", "The affiliate is disabled.");
        var reference = v.Text(body.Reference, "reference", 255);
        var refunded = reference is null ? null
            : await db.Commissions.AsNoTracking().Where(c => c.Reference == reference).Select(c => new { c.Id, c.AffiliateId }).SingleOrDefaultAsync(ct);
        if (reference is null) v.Add("reference", "reference is required for a negative adjustment: the refunded order's reference.");
        else if (refunded is null) v.Add("reference", $"No commission has reference '{reference}': a negative adjustment names the refunded order's commission.");
        else if (affiliate is not null && refunded.AffiliateId != affiliate.Id)
            v.Add("reference", $"The commission with reference '{reference}' belongs to another affiliate.");
        if (!Money.TryToMinor(-body.Amount!.Value, program.Currency, out _))
            v.Add("amount", $"amount has more decimals than {program.Currency} allows ({Money.Exponent(program.Currency)}).");
        if (!v.IsValid) return v.ToProblem();
        return await ClawBackAsync(db, refunded!.Id, -body.Amount!.Value, actor, clock, ct);
    }

    /// <summary>
    /// Voids a commission that is in no payout; a conflict (INVALID_STATUS) when it is already void or a payout has
    /// claimed it. Voiding a claw-back gives its amount back to the commission it clawed back (it may be clawed back again).
    /// </summary>
    public static async Task<Outcome<long>> VoidAsync(RemitDb db, long id, Audit.Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var found = await db.Commissions.Where(c => c.Id == id).Select(c => new { c.ClawbackOf, c.AmountMinor }).SingleOrDefaultAsync(ct);
        if (found is null) return Problem.NotFound("Commission not found.");
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Conditional: a commission already claimed by a payout (or voided) is never voided, even under a race.
        var voided = await db.Commissions.Where(c => c.Id == id && c.PayoutId == null && c.VoidedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.VoidedAt, now), ct);
        if (voided == 0) return Problem.InvalidStatus("The commission is already void or is in a payout.");
        if (found.ClawbackOf is { } clawed)
            await db.Commissions.Where(c => c.Id == clawed)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClawedBackMinor, c => c.ClawedBackMinor + found.AmountMinor), ct);
        db.AuditEvents.Add(actor.Record(db.ProgramId, "commission.voided", "commission", id, now, null, CommissionStatus.Void));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        CommissionLog.For(db).Voided(id, db.ProgramId, actor.Type, actor.Id);
        return Outcome<long>.Ok(id);
    }

    /// <summary>
    /// A refund after payment: a negative adjustment of <paramref name="amount"/> (default: what is left) against a paid
    /// commission. The commission's clawed-back total rises in one conditional UPDATE that refuses to pass its amount
    /// (re-checked on the row under a race), in the same transaction as the adjustment's insert: racing claw-backs
    /// never take back more than was paid; the loser is 409. Checks in the contract's order: 404, 422, 409.
    /// </summary>
    public static async Task<Outcome<Commission>> ClawBackAsync(RemitDb db, long id, decimal? amount, Audit.Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var found = await db.Commissions.AsNoTracking().Where(c => c.Id == id)
            .Select(c => new { Commission = c, PayoutStatus = c.Payout != null ? c.Payout.Status : null }).SingleOrDefaultAsync(ct);
        if (found is null) return Problem.NotFound("Commission not found.");
        var original = found.Commission;
        var v = new Validation();
        var requested = amount is null ? null : v.Amount(amount, program.Currency, "amount", required: true);
        if (requested > original.AmountMinor && original.AmountMinor > 0)
            v.Add("amount", $"amount must be at most the commission's {Money.Format(original.AmountMinor, original.Currency)} {original.Currency}.");
        if (!v.IsValid) return v.ToProblem();
        var status = CommissionStatus.Of(original.VoidedAt, found.PayoutStatus, original.EarnedAt, original.AmountMinor, CommissionStatus.PayableCutoff(now, program.HoldDays));
        if (original.AmountMinor <= 0)
            return Problem.InvalidStatus($"Commission {id} is a negative adjustment; only a paid sale or positive adjustment can be clawed back.");
        if (status != CommissionStatus.Paid)
            return Problem.InvalidStatus($"Commission {id} is {status}; only a paid commission can be clawed back (void an unpaid one, or fail its payout).");
        var left = original.AmountMinor - original.ClawedBackMinor;
        var take = requested ?? left;
        if (left <= 0 || take > left)
            return ClawedAlready(id, left, original.Currency);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.Commissions
            .Where(c => c.Id == id && c.VoidedAt == null && c.ClawedBackMinor + take <= c.AmountMinor
                && db.Payouts.Any(p => p.Id == c.PayoutId && p.Status == PayoutStatus.Completed))
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ClawedBackMinor, c => c.ClawedBackMinor + take), ct);
        if (taken == 0)
        {
            await tx.RollbackAsync(ct);
            var nowLeft = await db.Commissions.Where(c => c.Id == id).Select(c => c.AmountMinor - c.ClawedBackMinor).SingleAsync(ct);
            return ClawedAlready(id, nowLeft, original.Currency);
        }
        var clawback = new Commission
        {
            ProgramId = program.Id, AffiliateId = original.AffiliateId, AmountMinor = -take, Currency = original.Currency,
            Description = $"Claw-back of commission {id}", Kind = CommissionKind.Adjustment, ClawbackOf = id, EarnedAt = now, CreatedAt = now,
        };
        db.Commissions.Add(clawback);
        await db.SaveChangesAsync(ct);
        db.AuditEvents.Add(actor.Record(program.Id, "commission.clawed_back", "commission", id, now,
            notes: $"{Money.Format(take, original.Currency)} {original.Currency} as commission {clawback.Id}"));
        db.AuditEvents.Add(actor.Record(program.Id, "commission.created", "commission", clawback.Id, now, notes: $"claw-back of commission {id}"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        CommissionLog.For(db).ClawedBack(id, program.Id, Money.Format(take, original.Currency), original.Currency, clawback.Id, actor.Type, actor.Id);
        return Outcome<Commission>.Ok(clawback);
    }

    private static Problem ClawedAlready(long id, long left, string currency) => Problem.InvalidStatus(left <= 0
        ? $"Commission {id} is already clawed back in full."
        : $"Only {Money.Format(left, currency)} {currency} of commission {id} is not yet clawed back.");

    private static async Task<Problem?> Duplicate(RemitDb db, string reference, CancellationToken ct)
    {
        var id = await db.Commissions.Where(c => c.Reference == reference).Select(c => (long?)c.Id).FirstOrDefaultAsync(ct);
        return id is null ? null : Problem.Conflict(Problem.Codes.DuplicateReference,
            $"reference '{reference}' is already used by commission {id}.", [new("reference", $"Already used by commission {id}.")]);
    }
}
