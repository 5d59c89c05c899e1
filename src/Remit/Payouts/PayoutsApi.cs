using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;

namespace Remit.Payouts;

public sealed record CompleteBody(string? Reference, string? Notes);
public sealed record FailBody(string? Reason, string? Notes);
public sealed record ProcessingBody(string? Notes, string? Reference);
public sealed record BulkBody(long[]? Ids, string? Reference, string? Notes);
public sealed record BulkCompleteBody(long[]? Ids, string? Reference, string? Notes, Dictionary<string, string>? References);
public sealed record CreatePayoutBody(long? AffiliateId);

public static class PayoutsApi
{
    public static IEndpointRouteBuilder MapPayouts(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1/payouts", "Payouts");
        group.MapGet("/", List).RequireAuthorization(Scopes.PayoutsRead)
            .WithQuery(QueryDocs.Paging, QueryDocs.PayoutFilters)
            .WithName("listPayouts").WithSummary("List payouts")
            .WithDescription("Payouts of the program, newest first by default, a page at a time (`page`, `per_page`), filtered by `status`, `method`, `affiliate_id`, `created_from`/`created_to` (dates in the program's time zone) and `q` (affiliate name or email), ordered by `sort`.")
            .Produces<ErrorEnvelope>(404);
        group.MapGet("/stats", Stats).RequireAuthorization(Scopes.PayoutsRead)
            .WithName("getPayoutStats").WithSummary("Payout totals")
            .WithDescription("Pending amount and count, amount completed this month (in the program's time zone), failed count and pending payout requests.");
        group.MapGet("/export", PayoutsCsv.Export).RequireAuthorization(Scopes.PayoutsRead).Produces(200, contentType: "text/csv")
            .WithQuery(QueryDocs.PayoutFilters)
            .WithName("exportPayouts").WithSummary("Export payouts as CSV")
            .WithDescription("Every payout the list's filters select (no paging), as a CSV download.")
            .Produces<ErrorEnvelope>(404);
        group.MapGet("/{id:long}", Get).RequireAuthorization(Scopes.PayoutsRead)
            .WithName("getPayout").WithSummary("Get a payout")
            .WithDescription("A payout with its affiliate, destination (masked), commission count and status history.");
        group.MapGet("/{id:long}/statement", Statement).RequireAuthorization(Scopes.PayoutsRead).Produces(200, contentType: "application/pdf")
            .WithName("getPayoutStatement").WithSummary("Payout statement (PDF)")
            .WithDescription("A PDF statement of the payout and the commissions it pays. 503 `BUSY` when too many statements are being made at once; try again shortly.")
            .Produces<ErrorEnvelope>(503);
        group.MapPost("/", Create).RequireAuthorization(Scopes.PayoutsWrite).Accepts<CreatePayoutBody>("application/json")
            .WithName("createPayout").WithSummary("Create a manual payout")
            .WithDescription("Pays everything the affiliate (`affiliate_id`, required) has payable into one pending payout.")
            .Produces<ErrorEnvelope>(404).Produces<ErrorEnvelope>(409);
        group.MapPost("/{id:long}/processing", MarkProcessing).RequireAuthorization(Scopes.PayoutsWrite).Accepts<ProcessingBody>("application/json")
            .WithName("markPayoutProcessing").WithSummary("Mark a payout processing")
            .WithDescription("pending → processing, with optional `notes` and `reference`. 409 when the payout's status does not allow it.")
            .Produces<ErrorEnvelope>(409);
        group.MapPost("/{id:long}/complete", Complete).RequireAuthorization(Scopes.PayoutsWrite).Accepts<CompleteBody>("application/json")
            .WithName("completePayout").WithSummary("Complete a payout")
            .WithDescription("pending or processing → completed, with the payment's `reference` (required) and optional `notes`. 409 when the status does not allow it or the reference is already used.")
            .Produces<ErrorEnvelope>(409);
        group.MapPost("/{id:long}/fail", Fail).RequireAuthorization(Scopes.PayoutsWrite).Accepts<FailBody>("application/json")
            .WithName("failPayout").WithSummary("Fail a payout")
            .WithDescription("pending or processing → failed, with a `reason` (required) and optional `notes`; its commissions become payable again.")
            .Produces<ErrorEnvelope>(409);
        group.MapPost("/{id:long}/return", ReturnsApi.Return).RequireAuthorization(Scopes.PayoutsWrite).Accepts<ReturnBody>("application/json")
            .WithName("returnPayout").WithSummary("Record a bank return")
            .WithDescription("A bank's ACH return (`code` R01…, `date`): a processing payout fails with the code's meaning; a completed one is marked returned and its amount is owed again.")
            .Produces<ErrorEnvelope>(409);
        group.MapPost("/bulk-processing", BulkProcessing).RequireAuthorization(Scopes.PayoutsWrite).Accepts<BulkBody>("application/json")
            .WithName("bulkMarkPayoutsProcessing").WithSummary("Mark several payouts processing")
            .WithDescription("Each payout of `ids` that may move to processing does; the answer lists which did and why the others did not.");
        group.MapPost("/bulk-complete", BulkComplete).RequireAuthorization(Scopes.PayoutsWrite).Accepts<BulkCompleteBody>("application/json")
            .WithName("bulkCompletePayouts").WithSummary("Complete several payouts")
            .WithDescription("Completes each payout of `ids` with `reference` (or its own in `references`, keyed by payout id); the answer lists which did and why the others did not.");
        return app;
    }

    public static async Task<Results<Ok<ListEnvelope<PayoutDto>>, ApiError>> List(HttpContext http, RemitDb db, CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(http.Request, v);
        var query = PayoutQuery.Parse(http.Request, v);
        if (await query.CheckIdsAsync(db, ct) is { } notFound) return notFound.ToHttp();
        if (!v.IsValid) return v.ToProblem().ToHttp();
        var program = await db.CurrentProgramAsync(ct);
        return TypedResults.Ok(await query.PageAsync(db, program, paging, http, ct));
    }

    public static async Task<Ok<DataEnvelope<PayoutStats>>> Stats(RemitDb db, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(new DataEnvelope<PayoutStats>(await PayoutStatsQuery.ComputeAsync(db, clock, ct)));

    public static async Task<Results<Ok<DataEnvelope<PayoutDto>>, ApiError>> Get(long id, RemitDb db, CancellationToken ct) =>
        await DetailAsync(db, id, ct) is { } dto ? TypedResults.Ok(new DataEnvelope<PayoutDto>(dto)) : Problem.NotFound("Payout not found.").ToHttp();

    /// <summary>A payout with its affiliate, how many commissions it was made of, and its status history.</summary>
    public static async Task<PayoutDto?> DetailAsync(RemitDb db, long id, CancellationToken ct) =>
        (await DetailsAsync(db, [id], ct)).SingleOrDefault();

    /// <summary>
    /// Payouts as <see cref="DetailAsync"/> shows each, in three queries however many (a batch's webhook events render
    /// thousands at once), in id order.
    /// </summary>
    public static async Task<IReadOnlyList<PayoutDto>> DetailsAsync(RemitDb db, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        var rows = await db.Payouts.AsNoTracking().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Id)
            .Select(p => new PayoutRow(p, p.Affiliate!.Name, p.Affiliate.Email)).ToListAsync(ct);
        if (rows.Count == 0) return [];
        var counts = await db.PayoutCommissions.Where(pc => ids.Contains(pc.PayoutId)).GroupBy(pc => pc.PayoutId)
            .Select(g => new { PayoutId = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.PayoutId, g => g.Count, ct);
        var history = (await db.AuditEvents.AsNoTracking()
            .Where(e => e.EntityType == "payout" && ids.Contains(e.EntityId) && (e.ToStatus != null || e.Action == PayoutActions.ReturnedAction))
            .OrderBy(e => e.At).ThenBy(e => e.Id)
            // A return leaves the payout completed (the lifecycle has no way back) but is part of its story: it shows
            // as completed → returned, with who recorded it and the code.
            .Select(e => new
            {
                e.EntityId,
                Change = e.ToStatus != null
                    ? new StatusChange(e.FromStatus, e.ToStatus, e.At, e.ActorName ?? e.ActorType, e.Notes)
                    : new StatusChange(PayoutStatus.Completed, PayoutActions.Returned, e.At, e.ActorName ?? e.ActorType, e.Notes),
            })
            .ToListAsync(ct)).ToLookup(e => e.EntityId, e => e.Change);
        return [.. rows.Select(r => r.ToDto() with
        {
            CommissionsCount = counts.GetValueOrDefault(r.Payout.Id), StatusHistory = [.. history[r.Payout.Id]],
        })];
    }

    public static async Task<Results<Created<DataEnvelope<PayoutDto>>, ApiError>> Create(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<CreatePayoutBody>(http.Request);
        if (error is not null) return error.ToHttp();
        var outcome = await PayoutActions.CreateManualAsync(db, body?.AffiliateId, http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        var dto = await DetailAsync(db, outcome.Value!.Id, ct);
        return TypedResults.Created($"/v1/payouts/{dto!.Id}", new DataEnvelope<PayoutDto>(dto));
    }

    public static async Task<Results<Ok<DataEnvelope<PayoutDto>>, ApiError>> MarkProcessing(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<ProcessingBody>(http.Request);
        return await TransitionAsync(http, db, clock, id, PayoutStatus.Processing, error, new(body?.Reference, body?.Notes), ct);
    }

    public static async Task<Results<Ok<DataEnvelope<PayoutDto>>, ApiError>> Complete(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<CompleteBody>(http.Request);
        return await TransitionAsync(http, db, clock, id, PayoutStatus.Completed, error, new(body?.Reference, body?.Notes), ct);
    }

    public static async Task<Results<Ok<DataEnvelope<PayoutDto>>, ApiError>> Fail(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<FailBody>(http.Request);
        return await TransitionAsync(http, db, clock, id, PayoutStatus.Failed, error, new(null, body?.Notes, body?.Reason), ct);
    }

    private static async Task<Results<Ok<DataEnvelope<PayoutDto>>, ApiError>> TransitionAsync(HttpContext http, RemitDb db,
        TimeProvider clock, long id, string to, Problem? bodyError, TransitionInput input, CancellationToken ct)
    {
        if (bodyError is not null) return await bodyError.ToHttpAsync(() => db.Payouts.AnyAsync(p => p.Id == id, ct), "Payout not found.");
        var outcome = await PayoutActions.TransitionAsync(db, id, to, input, http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        return TypedResults.Ok(new DataEnvelope<PayoutDto>((await DetailAsync(db, id, ct))!));
    }

    public static async Task<Results<Ok<DataEnvelope<BulkResult>>, ApiError>> BulkProcessing(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<BulkBody>(http.Request);
        if (error is not null) return error.ToHttp();
        var v = new Validation();
        var ids = PayoutActions.BulkIds(body?.Ids, v);
        var input = new TransitionInput(v.Text(body?.Reference, "reference", 255), v.Text(body?.Notes, "notes", 2000));
        if (!v.IsValid) return v.ToProblem().ToHttp();
        return TypedResults.Ok(new DataEnvelope<BulkResult>(await PayoutActions.BulkTransitionAsync(db, ids, PayoutStatus.Processing, _ => input, http.Actor(), clock, ct)));
    }

    public static async Task<Results<Ok<DataEnvelope<BulkResult>>, ApiError>> BulkComplete(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<BulkCompleteBody>(http.Request);
        if (error is not null) return error.ToHttp();
        var outcome = await PayoutActions.BulkCompleteAsync(db, body?.Ids, body?.Reference, body?.Notes, body?.References, http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        return TypedResults.Ok(new DataEnvelope<BulkResult>(outcome.Value!));
    }

    /// <summary>
    /// The PDF is rendered into a temporary file (deleted when the response has sent it), so a long statement costs
    /// disk rather than memory, under <see cref="StatementRenders"/>' bound on concurrent renders.
    /// </summary>
    public static async Task<Results<FileStreamHttpResult, ApiError>> Statement(long id, RemitDb db, StatementRenders renders, TimeProvider clock, CancellationToken ct)
    {
        var statement = await StatementModelQuery.BuildAsync(db, id, clock.GetUtcNow().UtcDateTime, ct);
        if (statement is not { } found) return Problem.NotFound("Payout not found.").ToHttp();
        var (model, lines) = found;
        using var lease = await renders.WaitAsync(ct);
        if (!lease.IsAcquired) return new ApiError(503, "BUSY", "Too many statements are being made right now; try again in a moment.", []);
        var pdf = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            await StatementPdf.WriteAsync(model, lines, pdf, ct);
            pdf.Position = 0;
            return TypedResults.File(pdf, "application/pdf", $"statement-{id}.pdf");
        }
        catch
        {
            await pdf.DisposeAsync();
            throw;
        }
    }
}
