using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;

namespace Remit.Schedule;

public static class ScheduleApi
{
    public static IEndpointRouteBuilder MapScheduleRuns(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1/schedule-runs", "Payout schedule");
        group.MapGet("/", List).RequireAuthorization(Scopes.PayoutsRead)
            .WithQuery(QueryDocs.Paging)
            .WithName("listScheduleRuns").WithSummary("List runs of the payout schedule")
            .WithDescription("What the schedule did on each payout day, latest day first, a page at a time (`page`, `per_page`): `payout_date` (the program's calendar), `started_at`, `finished_at` (null while running or when a stopped run awaits the next one), `created` (ids of the payouts made for that day), `skipped` (affiliates with something payable who got no payout, with `reason`: `pending_payout`, `below_min_payout`, `over_max_payout` or `method_not_in_plan`).");
        return app;
    }

    public static async Task<Results<Ok<ListEnvelope<ScheduleRunDto>>, ApiError>> List(HttpContext http, RemitDb db, CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(http.Request, v);
        if (!v.IsValid) return v.ToProblem().ToHttp();
        var page = await PageAsync(db, paging, http, ct);
        return TypedResults.Ok(page);
    }

    /// <summary>A page of runs with the payouts each day made: shared by the API and the dashboard.</summary>
    public static async Task<ListEnvelope<ScheduleRunDto>> PageAsync(RemitDb db, Paging paging, HttpContext http, CancellationToken ct)
    {
        var page = await paging.ApplyAsync(db.ScheduleRuns.AsNoTracking().OrderByDescending(r => r.PayoutDate), r => r, http, ct);
        var created = await PayoutSchedule.CreatedAsync(db, page.Data.Select(r => r.PayoutDate).ToList(), ct);
        return new ListEnvelope<ScheduleRunDto>(page.Data.Select(r =>
            new ScheduleRunDto(r.Id, r.ProgramId, r.PayoutDate, r.StartedAt, r.FinishedAt, created[r.PayoutDate], r.Skipped)).ToList(), page.Meta);
    }
}
