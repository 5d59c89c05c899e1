using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;
using Remit.Requests;

namespace Remit.Dashboard.Requests;

/// <summary>Affiliates' payout requests, pending first; approve (makes a payout) or reject with a reason; ask on an affiliate's behalf.</summary>
public sealed class IndexModel(RemitDb db, TimeProvider clock) : DashboardPage
{
    public ListEnvelope<RequestDto> Table { get; private set; } = null!;

    public IReadOnlyList<AffiliateChoice> Affiliates { get; private set; } = [];
    public long? ChosenAffiliate { get; private set; }
    public string? Note { get; private set; }

    public async Task OnGetAsync([FromQuery(Name = "affiliate_id")] long? affiliateId, CancellationToken ct)
    {
        ChosenAffiliate = affiliateId;
        await LoadAsync(ct);
    }

    /// <summary>A payout request on an affiliate's behalf, through POST /v1/payouts/requests's RequestActions.CreateAsync.</summary>
    public async Task<IActionResult> OnPostCreateAsync([FromForm(Name = "affiliate_id")] long? affiliateId, string? note, CancellationToken ct)
    {
        var outcome = await RequestActions.CreateAsync(db, affiliateId, note, Actor, clock, ct);
        if (outcome.Error is { } error)
        {
            ChosenAffiliate = affiliateId;
            Note = note;
            Errors = error.FieldErrors("affiliate_id");
            Response.StatusCode = error.Status();
            await LoadAsync(ct);
            return Page();
        }
        var request = outcome.Value!;
        Flash = $"Request #{request.Id} created for {Display.Money(request.AmountMinor, request.Currency)}: approve it to make the payout.";
        return LocalRedirect("/requests");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var paging = Paging.Parse(Request, new Validation());
        var rows = RequestsApi.Rows(RequestsApi.PendingFirst(db.PayoutRequests.AsNoTracking()));
        Table = await paging.ApplyAsync(rows, r => r.ToDto(), HttpContext, ct);
        if (CanAct) Affiliates = await AffiliateChoice.ListAsync(db, ChosenAffiliate, ct);
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
