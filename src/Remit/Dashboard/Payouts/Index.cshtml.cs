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

    /// <summary>What a refused bulk completion had typed, shown again: the rows checked and their own references.</summary>
    public IReadOnlySet<long> Checked { get; private set; } = new HashSet<long>();
    public IReadOnlyDictionary<string, string> References { get; private set; } = new Dictionary<string, string>();
    public string? BulkReference { get; private set; }
    public string? BulkNotes { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    private async Task LoadAsync(CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(Request, v);
        Query = PayoutQuery.Parse(Request, v);
        if (!v.IsValid) FilterErrors = v.ToProblem().Details;
        Stats = await PayoutStatsQuery.ComputeAsync(db, clock, ct);
        PaidByMonth = await PaidByMonthQuery.ComputeAsync(db, clock, ct);
        Table = await Query.PageAsync(db, Program, paging, HttpContext, ct);
        Held = (await Remit.Tax.TaxForms.HeldAsync(db, Program, Table.Data.Where(p => p.Status == PayoutStatus.Pending).Select(p => p.Id).ToList(),
            Remit.Tax.TaxForms.Today(clock), ct)).ToHashSet();
    }

    /// <summary>The pending rows held by the tax-form gate (the rule the API and batches apply): shown "held: tax form missing".</summary>
    public IReadOnlySet<long> Held { get; private set; } = new HashSet<long>();

    /// <summary>The checked rows, each moved on its own through the lifecycle; the answer lists every row's result.</summary>
    /// <remarks>
    /// Completing takes each row's own reference (<c>references[id]</c>, blank for none) or the shared one, through
    /// POST /v1/payouts/bulk-complete's <see cref="PayoutActions.BulkCompleteAsync"/>; a refused input (a reference for an
    /// unchecked row, one too long) shows the list again with each problem next to its field, and nothing moves.
    /// </remarks>
    public async Task<IActionResult> OnPostBulkAsync(long[] ids, string? to, string? reference, string? notes, Dictionary<string, string>? references,
        string? returnUrl, CancellationToken ct)
    {
        if (to is not (PayoutStatus.Processing or PayoutStatus.Completed)) return BadRequest();
        var v = new Validation();
        ids = PayoutActions.BulkIds(ids, v);
        if (!v.IsValid)
        {
            FlashError = "Select at least one payout first.";
            return BackTo(returnUrl, "/payouts");
        }
        BulkResult result;
        if (to == PayoutStatus.Completed)
        {
            var given = (references ?? []).Where(r => !string.IsNullOrWhiteSpace(r.Value)).ToDictionary(r => r.Key, r => r.Value);
            var outcome = await PayoutActions.BulkCompleteAsync(db, ids, reference, notes, given, Actor, clock, ct);
            if (outcome.Error is { } error)
            {
                // Shown as the list it was posted from: its filters, sort and page come from the form's return address.
                Request.QueryString = ListQuery(returnUrl);
                Checked = ids.ToHashSet();
                References = given;
                BulkReference = reference;
                BulkNotes = notes;
                Errors = error.FieldErrors("reference");
                Response.StatusCode = error.Status();
                await LoadAsync(ct);
                return Page();
            }
            result = outcome.Value!;
        }
        else
        {
            var input = new TransitionInput(null, notes);
            result = await PayoutActions.BulkTransitionAsync(db, ids, to, _ => input, Actor, clock, ct);
        }
        BulkJson = JsonSerializer.Serialize(result);
        Flash = $"Marked {result.Succeeded.Count} of {ids.Length} payouts {to}.";
        return BackTo(returnUrl, "/payouts");
    }

    /// <summary>The query of a /payouts address the form came from; anything else is the unfiltered list.</summary>
    private QueryString ListQuery(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || !Url.IsLocalUrl(returnUrl)) return QueryString.Empty;
        var question = returnUrl.IndexOf('?', StringComparison.Ordinal);
        var path = question < 0 ? returnUrl : returnUrl[..question];
        return path == "/payouts" && question >= 0 ? new QueryString(returnUrl[question..]) : QueryString.Empty;
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
