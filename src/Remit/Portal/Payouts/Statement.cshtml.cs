using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Data;
using Remit.Payouts;

namespace Remit.Portal.Payouts;

/// <summary>The statement PDF of GET /v1/payouts/{id}/statement (the same code), for the affiliate's own payout only.</summary>
public sealed class StatementModel(RemitDb db, StatementRenders renders, TimeProvider clock) : PortalPage
{
    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (!await db.Payouts.AnyAsync(p => p.Id == id && p.AffiliateId == Affiliate.Id, ct)) return NotFound();
        return (await PayoutsApi.Statement(id, db, renders, clock, ct)).Result switch
        {
            FileStreamHttpResult file => File(file.FileStream, file.ContentType, file.FileDownloadName),
            // The API's one refusal past the 404: too many statements being drawn at once.
            _ => StatusCode(StatusCodes.Status503ServiceUnavailable),
        };
    }
}
