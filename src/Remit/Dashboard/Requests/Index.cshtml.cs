using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;
using Remit.Requests;

namespace Remit.Dashboard.Requests;

/// <summary>Affiliates' payout requests, pending first; approve (makes a payout) or reject with a reason.</summary>
public sealed class IndexModel(RemitDb db, TimeProvider clock) : DashboardPage
{
    public ListEnvelope<RequestDto> Table { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken ct)
    {
        var paging = Paging.Parse(Request, new Validation());
        var rows = RequestsApi.Rows(RequestsApi.PendingFirst(db.PayoutRequests.AsNoTracking()));
        Table = await paging.ApplyAsync(rows, r => r.ToDto(), HttpContext, ct);
    }

    public async Task<IActionResult> OnPostApproveAsync(long id, string? returnUrl, CancellationToken ct)
    {
        var outcome = await RequestActions.ApproveAsync(db, id, Actor, clock, ct);
        if (outcome.Error is { Kind: ProblemKind.NotFound }) return NotFound();
        if (outcome.Error is { } error)
        {
            FlashError = $"Request #{id} was not approved: {error.Line()}";
            return BackTo(returnUrl, "/requests");
        }
        var payout = await db.PayoutRequests.Where(r => r.Id == id)
            .Join(db.Payouts, r => r.PayoutId, p => p.Id, (r, p) => new { p.Id, p.AmountMinor, p.Currency })
            .SingleAsync(ct);
        Flash = $"Request #{id} approved: payout #{payout.Id} of {Display.Money(payout.AmountMinor, payout.Currency)} created.";
        return BackTo(returnUrl, "/requests");
    }

    public async Task<IActionResult> OnPostRejectAsync(long id, string? reason, string? returnUrl, CancellationToken ct)
    {
        var outcome = await RequestActions.RejectAsync(db, id, reason, Actor, clock, ct);
        if (outcome.Error is { Kind: ProblemKind.NotFound }) return NotFound();
        if (outcome.Error is { } error) FlashError = $"Request #{id} was not rejected: {error.Line()}";
        else Flash = $"Request #{id} rejected.";
        return BackTo(returnUrl, "/requests");
    }
}
