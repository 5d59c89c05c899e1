using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Data;
using Remit.Payouts;

namespace Remit.Portal.Payouts;

/// <summary>One of the affiliate's payouts: status, dates, why it failed. Anyone else's payout is a 404.</summary>
public sealed class DetailModel(RemitDb db) : PortalPage
{
    public Payout Payout { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await db.Payouts.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id && p.AffiliateId == Affiliate.Id, ct) is not { } payout)
            return NotFound();
        Payout = payout;
        return Page();
    }

}
