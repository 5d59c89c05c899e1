using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;
using Remit.Payouts;

namespace Remit.Dashboard.Payouts;

/// <summary>Sidebar → Payouts: the seed's metric cards, what was paid per month, and the payouts table.</summary>
public sealed class IndexModel(RemitDb db, TimeProvider clock) : DashboardPage
{
    public static readonly (string Value, string Text)[] SortOptions =
    [
        ("-created_at", "Newest first"), ("created_at", "Oldest first"), ("-amount", "Largest amount"),
        ("amount", "Smallest amount"), ("-completed_at", "Recently completed"), ("-id", "Highest id"),
    ];

    public PayoutStats Stats { get; private set; } = null!;
    public IReadOnlyList<MonthPaid> PaidByMonth { get; private set; } = [];
    public ListEnvelope<PayoutDto> Table { get; private set; } = null!;
    public PayoutQuery Query { get; private set; } = null!;
    public IReadOnlyList<ErrorDetail> FilterErrors { get; private set; } = [];

    /// <summary>The last bulk action's per-row result, carried over the redirect.</summary>
    [TempData] public string? BulkJson { get; set; }

    public BulkResult? Bulk => BulkJson is null ? null : JsonSerializer.Deserialize<BulkResult>(BulkJson);

    /// <summary>The status tab that is open: one status, or null for all.</summary>
    public string? Tab => Query.Statuses is [var one] ? one : null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(Request, v);
        Query = PayoutQuery.Parse(Request, v);
        if (!v.IsValid) FilterErrors = v.ToProblem().Details;
        Stats = await PayoutStatsQuery.ComputeAsync(db, clock, ct);
        PaidByMonth = await PaidByMonthQuery.ComputeAsync(db, clock, ct);
        var rows = Query.Apply(db.Payouts.AsNoTracking(), Program).Select(p => new PayoutRow(p, p.Affiliate!.Name, p.Affiliate.Email));
        Table = await paging.ApplyAsync(rows, r => r.ToDto(), HttpContext, ct);
    }

    /// <summary>The checked rows, each moved on its own through the lifecycle; the answer lists every row's result.</summary>
    public async Task<IActionResult> OnPostBulkAsync(long[] ids, string? to, string? reference, string? notes, string? returnUrl, CancellationToken ct)
    {
        if (to is not (PayoutStatus.Processing or PayoutStatus.Completed)) return BadRequest();
        var v = new Validation();
        ids = PayoutActions.BulkIds(ids, v);
        if (!v.IsValid)
        {
            FlashError = "Select at least one payout first.";
            return BackTo(returnUrl, "/payouts");
        }
        var input = new TransitionInput(to == PayoutStatus.Completed ? reference : null, notes);
        var result = await PayoutActions.BulkTransitionAsync(db, ids, to, _ => input, Actor, clock, ct);
        BulkJson = JsonSerializer.Serialize(result);
        Flash = $"Marked {result.Succeeded.Count} of {ids.Length} payouts {to}.";
        return BackTo(returnUrl, "/payouts");
    }

    /// <summary>A link to this list with one query parameter changed (tabs, paging), the others kept.</summary>
    public string With(string name, string? value, bool resetPage = true)
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Request.QueryString.Value)
            .Where(q => q.Key != name && !(resetPage && q.Key == "page"))
            .SelectMany(q => q.Value.Select(x => new KeyValuePair<string, string?>(q.Key, x)))
            .ToList();
        if (!string.IsNullOrEmpty(value)) query.Add(new(name, value));
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/payouts", query);
    }

    /// <summary>The CSV export of exactly the rows the filter shows (every page of them).</summary>
    public string ExportUrl
    {
        get
        {
            var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Request.QueryString.Value)
                .Where(q => q.Key is not ("page" or "per_page" or "handler"))
                .SelectMany(q => q.Value.Select(x => new KeyValuePair<string, string?>(q.Key, x)));
            return Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/payouts/export", query);
        }
    }

    public string Value(string name) => Request.Query[name].ToString();
}
