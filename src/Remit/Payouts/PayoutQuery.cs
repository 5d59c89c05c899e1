using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Programs;

namespace Remit.Payouts;

/// <summary>
/// The payout list's filters and sort, shared by the list, the CSV export and the dashboard table so they always
/// agree on which rows a filter means. Dates are calendar days in the program's time zone, both ends inclusive.
/// </summary>
public sealed record PayoutQuery(
    string[]? Statuses, long? AffiliateId, string[]? Methods, DateOnly? CreatedFrom, DateOnly? CreatedTo,
    DateOnly? CompletedFrom, DateOnly? CompletedTo, string? Search, string Sort)
{
    public static readonly string[] Sorts = ["created_at", "completed_at", "amount", "id"];

    public static PayoutQuery Parse(HttpRequest request, Validation v) => Parse(request.Query, v);

    /// <summary>The same filters from any query collection: a batch's "filter" object is read through here too.</summary>
    public static PayoutQuery Parse(IQueryCollection request, Validation v)
    {
        var sort = QueryParams.Text(request, "sort") ?? "-created_at";
        if (!Sorts.Contains(sort.StartsWith('-') ? sort[1..] : sort))
        {
            v.Add("sort", $"sort must be one of {string.Join(", ", Sorts)}, optionally prefixed with '-'.");
            sort = "-created_at";
        }
        var search = QueryParams.Text(request, "q");
        if (search is { Length: > 200 }) v.Add("q", "q must be at most 200 characters.");
        var query = new PayoutQuery(
            QueryParams.OneOf(request, "status", PayoutStatus.All, v),
            QueryParams.Id(request, "affiliate_id", v),
            QueryParams.OneOf(request, "method", PayoutMethods.All, v),
            QueryParams.Date(request, "created_from", v), QueryParams.Date(request, "created_to", v),
            QueryParams.Date(request, "completed_from", v), QueryParams.Date(request, "completed_to", v),
            search, sort);
        if (query.CreatedFrom > query.CreatedTo) v.Add("created_to", "created_to must not be before created_from.");
        if (query.CompletedFrom > query.CompletedTo) v.Add("completed_to", "completed_to must not be before completed_from.");
        return query;
    }

    /// <summary>An affiliate_id filter naming another program's affiliate is a 404, as if it did not exist.</summary>
    public async Task<Problem?> CheckIdsAsync(Data.RemitDb db, CancellationToken ct) =>
        AffiliateId is { } id && !await db.Affiliates.AnyAsync(a => a.Id == id, ct) ? Problem.NotFound("Affiliate not found.") : null;

    /// <summary>
    /// One page of the payout list, for the API and the dashboard. Its total is read from the running totals when they
    /// hold the answer — no filter, or statuses only — and counted otherwise. Counting is what grows with the data: at
    /// a million payouts on PostgreSQL a page's 25 rows took 0.2 ms and its count 214 ms (EXPLAIN ANALYZE).
    /// </summary>
    public async Task<ListEnvelope<PayoutDto>> PageAsync(Data.RemitDb db, AffiliateProgram program, Paging paging, HttpContext http, CancellationToken ct)
    {
        var rows = Apply(db.Payouts.AsNoTracking(), program).Select(p => new PayoutRow(p, p.Affiliate!.Name, p.Affiliate.Email));
        return await paging.ApplyAsync(rows, r => r.ToDto(), http, ct, await CountFromTotalsAsync(db, ct));
    }

    /// <summary>No filter but statuses: compared whole, so a filter added to this record later counts until it is thought of here.</summary>
    private static readonly PayoutQuery StatusesOnly = new(null, null, null, null, null, null, null, null, "");

    private async Task<long?> CountFromTotalsAsync(Data.RemitDb db, CancellationToken ct)
    {
        if (this with { Statuses = null, Sort = "" } != StatusesOnly) return null;
        var totals = await db.PayoutTotals.AsNoTracking().SingleOrDefaultAsync(ct) ?? new PayoutTotals();
        return (Statuses ?? PayoutStatus.All).Sum(status => status switch
        {
            PayoutStatus.Pending => totals.PendingCount,
            PayoutStatus.Processing => totals.ProcessingCount,
            PayoutStatus.Completed => totals.CompletedCount,
            _ => totals.FailedCount,
        });
    }

    public IQueryable<Payout> Apply(IQueryable<Payout> payouts, AffiliateProgram program)
    {
        var zone = ZoneCalendar.Zone(program);
        if (Statuses is { } statuses) payouts = payouts.Where(p => statuses.Contains(p.Status));
        if (AffiliateId is { } affiliateId) payouts = payouts.Where(p => p.AffiliateId == affiliateId);
        if (Methods is { } methods) payouts = payouts.Where(p => p.Method != null && methods.Contains(p.Method));
        var (createdFrom, createdTo) = ZoneCalendar.Range(CreatedFrom, CreatedTo, zone);
        var (completedFrom, completedTo) = ZoneCalendar.Range(CompletedFrom, CompletedTo, zone);
        if (createdFrom is { } cf) payouts = payouts.Where(p => p.CreatedAt >= cf);
        if (createdTo is { } ct) payouts = payouts.Where(p => p.CreatedAt < ct);
        if (completedFrom is { } df) payouts = payouts.Where(p => p.CompletedAt >= df);
        if (completedTo is { } dt) payouts = payouts.Where(p => p.CompletedAt < dt);
        if (Search is { } q)
        {
            var pattern = "%" + EscapeLike(Affiliates.Affiliate.Normalise(q)) + "%";
            payouts = payouts.Where(p => EF.Functions.Like(p.Affiliate!.SearchText, pattern, "\\"));
        }
        var descending = Sort.StartsWith('-');
        return Sort.TrimStart('-') switch
        {
            "completed_at" => descending ? payouts.OrderByDescending(p => p.CompletedAt).ThenByDescending(p => p.Id) : payouts.OrderBy(p => p.CompletedAt).ThenBy(p => p.Id),
            "amount" => descending ? payouts.OrderByDescending(p => p.AmountMinor).ThenByDescending(p => p.Id) : payouts.OrderBy(p => p.AmountMinor).ThenBy(p => p.Id),
            "id" => descending ? payouts.OrderByDescending(p => p.Id) : payouts.OrderBy(p => p.Id),
            _ => descending ? payouts.OrderByDescending(p => p.CreatedAt).ThenByDescending(p => p.Id) : payouts.OrderBy(p => p.CreatedAt).ThenBy(p => p.Id),
        };
    }

    public static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
