using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Api;
using Remit.Data;

namespace Remit.Dashboard.Affiliates;

/// <summary>Affiliates with their balances (payable now, still on hold), and a form to add one.</summary>
public sealed class IndexModel(RemitDb db, TimeProvider clock) : DashboardPage
{
    public ListEnvelope<AffiliateDto> Table { get; private set; } = null!;
    public string? Search { get; private set; }
    public AffiliateBody Form { get; private set; } = new(null, null, null, null, null, null);

    public Task OnGetAsync(string? q, CancellationToken ct) => LoadAsync(q, ct);

    public async Task<IActionResult> OnPostAddAsync(string? name, string? email, string? country,
        [FromForm(Name = "payout_method")] string? payoutMethod, [FromForm(Name = "paypal_email")] string? paypalEmail, CancellationToken ct)
    {
        Form = new AffiliateBody(name, email, country, string.IsNullOrEmpty(payoutMethod) ? null : payoutMethod, paypalEmail, null);
        var outcome = await AffiliateActions.CreateAsync(db, Form, Actor, clock, ct);
        if (outcome.Error is { } error)
        {
            Errors = error.FieldErrors();
            Response.StatusCode = error.Status();
            await LoadAsync(null, ct);
            return Page();
        }
        Flash = $"Affiliate {outcome.Value!.Name} added.";
        return LocalRedirect("/affiliates");
    }

    private async Task LoadAsync(string? q, CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(Request, v);
        Search = q?.Trim();
        var affiliates = db.Affiliates.AsNoTracking();
        if (!string.IsNullOrEmpty(Search))
        {
            var pattern = "%" + Remit.Payouts.PayoutQuery.EscapeLike(Affiliate.Normalise(Search)) + "%";
            affiliates = affiliates.Where(a => EF.Functions.Like(a.SearchText, pattern, "\\"));
        }
        var rows = AffiliatesApi.WithBalances(db, affiliates.OrderBy(a => a.Name).ThenBy(a => a.Id), Program, clock.GetUtcNow().UtcDateTime);
        Table = await paging.ApplyAsync(rows, r => r.ToDto(Program.Currency), HttpContext, ct);
    }
}
