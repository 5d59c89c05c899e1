using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Dashboard;
using Remit.Data;
using Remit.Requests;

namespace Remit.Portal;

/// <summary>
/// An early payout request, when the program allows it (RequestActions.CreateAsync, as POST /v1/payouts/requests), and
/// why not when it cannot be made (RequestActions.RefusalAsync, the same checks); the affiliate's past requests.
/// </summary>
public sealed class RequestModel(RemitDb db, TimeProvider clock) : PortalPage
{
    public decimal Balance { get; private set; }
    public string? Refusal { get; private set; }
    public string? Note { get; private set; }
    public IReadOnlyList<PayoutRequest> Requests { get; private set; } = [];

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(string? note, CancellationToken ct)
    {
        var outcome = await RequestActions.CreateAsync(db, Affiliate.Id, note, Actor, clock, ct);
        if (outcome.Error is { } error)
        {
            await LoadAsync(ct);
            Note = note;
            if (error.Details.Any(d => d.Field == "note")) Errors = error.Details;
            else Refusal = error.Message;
            Response.StatusCode = error.Status();
            return Page();
        }
        Flash = $"Request sent for {Display.Money(outcome.Value!.AmountMinor, outcome.Value.Currency)}. You will see the outcome here.";
        return LocalRedirect("/portal/request");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var (refusal, balance) = await RequestActions.RefusalAsync(db, Program, Affiliate, clock.GetUtcNow().UtcDateTime, ct);
        Balance = balance;
        Refusal = refusal?.Message;
        if (refusal is not null && balance == 0)
            // Refusals found before the balance (requests off, a disabled affiliate) still show what is payable.
            Balance = (await Overview.ForAsync(db, Program, Affiliate.Id, clock.GetUtcNow().UtcDateTime, ct)).PayableMinor;
        Requests = await db.PayoutRequests.AsNoTracking().Where(r => r.AffiliateId == Affiliate.Id)
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).Take(20).ToListAsync(ct);
    }
}
