using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Batches;
using Remit.Data;
using Remit.Payouts;

namespace Remit.Dashboard.Batches;

/// <summary>Sidebar → Batches: every batch, newest first; and making one from the payouts page (same BatchActions.CreateAsync as the API).</summary>
public sealed class IndexModel(RemitDb db, TimeProvider clock) : DashboardPage
{
    public ListEnvelope<PayoutBatch> Table { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(Request, v);
        Table = await paging.ApplyAsync(db.PayoutBatches.AsNoTracking().OrderByDescending(b => b.CreatedAt).ThenByDescending(b => b.Id), b => b, HttpContext, ct);
    }

    /// <summary>
    /// "Create batch" on the payouts page: the checked rows, or every pending payout of the method that the list's
    /// current filter shows (status, sort and paging mean nothing for a batch and are left out).
    /// </summary>
    public async Task<IActionResult> OnPostCreateAsync([FromForm(Name = "batch_method")] string? method, long[] ids, string? scope,
        string? filter, string? returnUrl, CancellationToken ct)
    {
        if (method is null || !Remit.Programs.PayoutMethods.All.Contains(method))
        {
            FlashError = "Choose the payout method of the batch.";
            return BackTo(returnUrl, "/payouts");
        }
        BatchSelection selection;
        if (scope == "filter")
        {
            var values = QueryHelpers.ParseQuery(filter ?? "");
            values.Remove("status");
            values.Remove("sort");
            values.Remove("page");
            values.Remove("per_page");
            values.Remove("handler");
            values["method"] = method;
            var v = new Validation();
            var query = PayoutQuery.Parse(new QueryCollection(values), v);
            if (!v.IsValid)
            {
                FlashError = $"No batch was made: {string.Join(" ", v.ToProblem().Details.Select(d => d.Message))}";
                return BackTo(returnUrl, "/payouts");
            }
            selection = new BatchSelection(null, query with { Statuses = [PayoutStatus.Pending] });
        }
        else
        {
            var v = new Validation();
            ids = PayoutActions.BulkIds(ids, v);
            if (!v.IsValid)
            {
                FlashError = "Select the pending payouts of the batch first, or batch everything the filter shows.";
                return BackTo(returnUrl, "/payouts");
            }
            selection = new BatchSelection(ids, null);
        }
        var outcome = await BatchActions.CreateAsync(db, method, selection, Actor, clock, ct);
        if (outcome.Error is { } error)
        {
            FlashError = $"No batch was made: {error.Sentence()}";
            return BackTo(returnUrl, "/payouts");
        }
        var batch = outcome.Value!;
        Flash = $"Batch #{batch.Id} made: {batch.Count} {Display.Label(method)} payout{(batch.Count == 1 ? "" : "s")}, {Display.Money(batch.TotalMinor, batch.Currency)}. They are processing now.";
        return LocalRedirect($"/batches/{batch.Id}");
    }
}
