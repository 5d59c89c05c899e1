using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Audit;
using Remit.Commissions;
using Remit.Data;
using Remit.Payouts;
using Remit.Webhooks;

namespace Remit.Requests;

public sealed record RequestDto(
    long Id, long AffiliateId, AffiliateRef Affiliate, decimal Amount, string Currency, string? Note, string Status,
    string? RejectionReason, long? PayoutId, DateTime CreatedAt, DateTime? DecidedAt, string? DecidedBy);

public sealed record RequestRow(PayoutRequest Request, string AffiliateName, string AffiliateEmail)
{
    public RequestDto ToDto()
    {
        var r = Request;
        return new(r.Id, r.AffiliateId, new AffiliateRef(r.AffiliateId, AffiliateName, AffiliateEmail),
            Money.ToDecimal(r.AmountMinor, r.Currency), r.Currency, r.Note, r.Status, r.RejectionReason, r.PayoutId,
            r.CreatedAt, r.DecidedAt, r.DecidedBy);
    }
}

public sealed record CreateRequestBody(long? AffiliateId, string? Note);
public sealed record RejectBody(string? Reason);

public static class RequestsApi
{
    public static IEndpointRouteBuilder MapRequests(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1/payouts/requests", "Payout requests");
        group.MapGet("/", List).RequireAuthorization(Scopes.PayoutsRead)
            .WithQuery(QueryDocs.Paging, QueryDocs.RequestFilters)
            .WithName("listPayoutRequests").WithSummary("List payout requests")
            .WithDescription("Payout requests of the program, a page at a time (`page`, `per_page`), filtered by `status`.");
        group.MapGet("/{id:long}", Get).RequireAuthorization(Scopes.PayoutsRead)
            .WithName("getPayoutRequest").WithSummary("Get a payout request")
            .WithDescription("One payout request and, once approved, the payout it made.");
        group.MapPost("/", Create).RequireAuthorization(Scopes.PayoutsWrite).Accepts<CreateRequestBody>("application/json")
            .WithName("createPayoutRequest").WithSummary("Request a payout for an affiliate")
            .WithDescription("An affiliate's (`affiliate_id`, required) request to be paid early, with an optional `note`; refused when the program does not allow early requests, the affiliate has one pending or has less than the minimum payable.")
            .Produces<ErrorEnvelope>(404).Produces<ErrorEnvelope>(409);
        group.MapPost("/{id:long}/approve", Approve).RequireAuthorization(Scopes.PayoutsWrite)
            .WithName("approvePayoutRequest").WithSummary("Approve a payout request")
            .WithDescription("Approves a pending request and creates its payout of everything the affiliate has payable. Takes no body.")
            .Produces<ErrorEnvelope>(409).Produces<ErrorEnvelope>(422);
        group.MapPost("/{id:long}/reject", Reject).RequireAuthorization(Scopes.PayoutsWrite).Accepts<RejectBody>("application/json")
            .WithName("rejectPayoutRequest").WithSummary("Reject a payout request")
            .WithDescription("Rejects a pending request, with an optional `reason`.")
            .Produces<ErrorEnvelope>(409);
        return app;
    }

    /// <summary>Pending first (they await action), then newest first: the order of the API's list and the dashboard's.</summary>
    public static IOrderedQueryable<PayoutRequest> PendingFirst(IQueryable<PayoutRequest> requests) =>
        requests.OrderBy(r => r.Status == RequestStatus.Pending ? 0 : 1).ThenByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id);

    public static IQueryable<RequestRow> Rows(IQueryable<PayoutRequest> requests) =>
        requests.Select(r => new RequestRow(r, r.Affiliate!.Name, r.Affiliate.Email));

    public static async Task<Results<Ok<ListEnvelope<RequestDto>>, ApiError>> List(HttpContext http, RemitDb db, CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(http.Request, v);
        var status = QueryParams.OneOf(http.Request, "status", RequestStatus.All, v);
        if (!v.IsValid) return v.ToProblem().ToHttp();
        var requests = db.PayoutRequests.AsNoTracking();
        if (status is not null) requests = requests.Where(r => status.Contains(r.Status));
        var rows = Rows(PendingFirst(requests));
        return TypedResults.Ok(await paging.ApplyAsync(rows, r => r.ToDto(), http, ct));
    }

    public static async Task<Results<Ok<DataEnvelope<RequestDto>>, ApiError>> Get(long id, RemitDb db, CancellationToken ct) =>
        await FindAsync(db, id, ct) is { } dto ? TypedResults.Ok(new DataEnvelope<RequestDto>(dto)) : Problem.NotFound("Payout request not found.").ToHttp();

    public static async Task<RequestDto?> FindAsync(RemitDb db, long id, CancellationToken ct) =>
        (await Rows(db.PayoutRequests.AsNoTracking().Where(r => r.Id == id)).SingleOrDefaultAsync(ct))?.ToDto();

    public static async Task<Results<Created<DataEnvelope<RequestDto>>, ApiError>> Create(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<CreateRequestBody>(http.Request);
        if (error is not null) return error.ToHttp();
        var outcome = await RequestActions.CreateAsync(db, body?.AffiliateId, body?.Note, http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        return TypedResults.Created($"/v1/payouts/requests/{outcome.Value!.Id}", new DataEnvelope<RequestDto>((await FindAsync(db, outcome.Value.Id, ct))!));
    }

    public static async Task<Results<Ok<DataEnvelope<RequestDto>>, ApiError>> Approve(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var outcome = await RequestActions.ApproveAsync(db, id, http.Actor(), clock, ct);
        return outcome.Error?.ToHttp() ?? (Results<Ok<DataEnvelope<RequestDto>>, ApiError>)TypedResults.Ok(new DataEnvelope<RequestDto>((await FindAsync(db, id, ct))!));
    }

    public static async Task<Results<Ok<DataEnvelope<RequestDto>>, ApiError>> Reject(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<RejectBody>(http.Request);
        if (error is not null) return await error.ToHttpAsync(() => db.PayoutRequests.AnyAsync(r => r.Id == id, ct), "Payout request not found.");
        var outcome = await RequestActions.RejectAsync(db, id, body?.Reason, http.Actor(), clock, ct);
        return outcome.Error?.ToHttp() ?? (Results<Ok<DataEnvelope<RequestDto>>, ApiError>)TypedResults.Ok(new DataEnvelope<RequestDto>((await FindAsync(db, id, ct))!));
    }
}

/// <summary>Asking for, approving and rejecting payout requests: shared by the API and the dashboard.</summary>
public static class RequestActions
{
    public static async Task<Outcome<PayoutRequest>> CreateAsync(RemitDb db, long? affiliateId, string? note, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var affiliate = affiliateId is { } aid ? await db.Affiliates.AsNoTracking().SingleOrDefaultAsync(a => a.Id == aid, ct) : null;
        if (affiliateId is not null && affiliate is null) return Problem.NotFound("Affiliate not found.");
        var program = await db.CurrentProgramAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var v = new Validation();
        v.Require(affiliateId is not null, "affiliate_id", "affiliate_id is required.");
        var cleanNote = v.Text(note, "note", 2000);
        if (!v.IsValid) return v.ToProblem();
        var (refusal, balance) = await RefusalAsync(db, program, affiliate!, now, ct);
        if (refusal is not null) return refusal;

        var request = new PayoutRequest
        {
            ProgramId = program.Id, AffiliateId = affiliate!.Id, AmountMinor = (long)balance, Currency = program.Currency, Note = cleanNote, CreatedAt = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.PayoutRequests.Add(request);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The unique index on (program, affiliate) where pending caught a racing second request.
            return Problem.Invalid("affiliate_id", "The affiliate already has a pending payout request.");
        }
        db.AuditEvents.Add(actor.Record(program.Id, "request.created", "request", request.Id, now, null, RequestStatus.Pending, cleanNote));
        await db.SaveChangesAsync(ct);
        await WebhookEvents.RequestAsync(db, WebhookEventTypes.RequestCreated, request.Id, now, ct);
        await tx.CommitAsync(ct);
        RequestLog.For(db).Created(request.Id, program.Id, request.AffiliateId, Money.Format(balance, program.Currency), program.Currency, actor.Type, actor.Id);
        return Outcome<PayoutRequest>.Ok(request);
    }

    /// <summary>
    /// Why the affiliate cannot ask for a payout now, or null, with their payable balance (minor units): the program
    /// must allow early requests, the affiliate be active with a method of the plan, the balance reach the minimum
    /// payout (and fit one payout), and no request of theirs be pending. The API and the portal's request page ask here.
    /// </summary>
    public static async Task<(Problem? Refusal, decimal Balance)> RefusalAsync(RemitDb db, Programs.AffiliateProgram program, Affiliates.Affiliate affiliate,
        DateTime now, CancellationToken ct)
    {
        if (!program.AllowEarlyRequests) return (Problem.Invalid("affiliate_id", "This program does not allow early payout requests (allow_early_requests is off)."), 0);
        if (Payouts.PayoutActions.MethodProblem(program, affiliate) is { } problem) return (problem, 0);

        var cutoff = CommissionStatus.PayableCutoff(now, program.HoldDays);
        var balance = await db.Commissions.Where(c => c.AffiliateId == affiliate.Id).Where(CommissionStatus.IsPayable(cutoff)).SumAsync(c => (decimal)c.AmountMinor, ct);
        if (balance <= 0 || balance < program.MinPayoutMinor)
            return (Problem.Invalid("affiliate_id", $"The payable balance ({Money.Format(Money.ToDecimal(balance, program.Currency), program.Currency)} {program.Currency}) is below the minimum payout ({Money.Format(program.MinPayoutMinor, program.Currency)} {program.Currency})."), balance);
        if (balance > Money.MaxPayoutMinor)
            return (Problem.Invalid("affiliate_id", Payouts.PayoutActions.TooLarge(balance, program.Currency)), balance);
        if (await db.PayoutRequests.AnyAsync(r => r.AffiliateId == affiliate.Id && r.Status == RequestStatus.Pending, ct))
            return (Problem.Invalid("affiliate_id", "The affiliate already has a pending payout request."), balance);
        return (null, balance);
    }

    /// <summary>
    /// Approving makes a pending payout of what is payable NOW (it may differ from the amount asked). The request's
    /// move out of pending is a conditional update in the same transaction as the payout, so a request is approved
    /// once and makes one payout, however many approvals race.
    /// </summary>
    public static async Task<Outcome<PayoutRequest>> ApproveAsync(RemitDb db, long id, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var request = await db.PayoutRequests.AsNoTracking().Include(r => r.Affiliate).SingleOrDefaultAsync(r => r.Id == id, ct);
        if (request is null) return Problem.NotFound("Payout request not found.");
        if (request.Status != RequestStatus.Pending) return Problem.InvalidStatus($"Payout request {id} is {request.Status}; only a pending request can be approved.");
        var program = await db.CurrentProgramAsync(ct);
        if (Payouts.PayoutActions.MethodProblem(program, request.Affiliate!) is { } problem) return problem;

        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.PayoutRequests.Where(r => r.Id == id && r.Status == RequestStatus.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, RequestStatus.Approved)
            .SetProperty(r => r.DecidedAt, now)
            .SetProperty(r => r.DecidedBy, actor.Name), ct);
        if (moved == 0) return Problem.InvalidStatus($"Payout request {id} is no longer pending.");
        var (payout, payable) = await Payouts.PayoutActions.CreateAsync(db, program, request.Affiliate!, PayoutSource.Request, id, actor, now, ct);
        if (payout is null)
            return Problem.Invalid("id", payable == 0
                ? "The affiliate has nothing payable now; the request stays pending."
                : Payouts.PayoutActions.NothingToPay(payable, program.Currency) + " The request stays pending.");
        await db.PayoutRequests.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.PayoutId, payout.Id), ct);
        db.AuditEvents.Add(actor.Record(program.Id, "request.approved", "request", id, now, RequestStatus.Pending, RequestStatus.Approved, $"payout {payout.Id}"));
        await db.SaveChangesAsync(ct);
        await WebhookEvents.RequestAsync(db, WebhookEventTypes.RequestApproved, id, now, ct);
        await tx.CommitAsync(ct);
        Payouts.PayoutLog.For(db).Created(payout, actor);
        RequestLog.For(db).Approved(id, program.Id, request.AffiliateId, payout.Id, actor.Type, actor.Id);
        return Outcome<PayoutRequest>.Ok(request);
    }

    public static async Task<Outcome<PayoutRequest>> RejectAsync(RemitDb db, long id, string? reason, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var request = await db.PayoutRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (request is null) return Problem.NotFound("Payout request not found.");
        var v = new Validation();
        var cleanReason = v.Text(reason, "reason", 2000);
        if (!v.IsValid) return v.ToProblem();
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var moved = await db.PayoutRequests.Where(r => r.Id == id && r.Status == RequestStatus.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(r => r.Status, RequestStatus.Rejected)
            .SetProperty(r => r.RejectionReason, cleanReason)
            .SetProperty(r => r.DecidedAt, now)
            .SetProperty(r => r.DecidedBy, actor.Name), ct);
        if (moved == 0)
        {
            var current = await db.PayoutRequests.Where(r => r.Id == id).Select(r => r.Status).SingleAsync(ct);
            return Problem.InvalidStatus($"Payout request {id} is {current}; only a pending request can be rejected.");
        }
        db.AuditEvents.Add(actor.Record(request.ProgramId, "request.rejected", "request", id, now, RequestStatus.Pending, RequestStatus.Rejected, cleanReason));
        await db.SaveChangesAsync(ct);
        await WebhookEvents.RequestAsync(db, WebhookEventTypes.RequestRejected, id, now, ct);
        await tx.CommitAsync(ct);
        RequestLog.For(db).Rejected(id, request.ProgramId, request.AffiliateId, actor.Type, actor.Id);
        return Outcome<PayoutRequest>.Ok(request);
    }
}
