using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Audit;
using Remit.Data;
using Remit.Programs;

namespace Remit.Portal;

/// <summary>
/// What every signed-in portal page knows: the affiliate and their program. The unit of work is scoped to the
/// affiliate's program before any handler runs, and each page asks only for the affiliate's own rows, so another
/// affiliate's id anywhere is a 404.
/// </summary>
public abstract class PortalPage : PageModel
{
    public Affiliate Affiliate { get; private set; } = null!;
    public AffiliateProgram Program { get; private set; } = null!;

    /// <summary>The affiliate acting on their own account, as the audit trail records them.</summary>
    public Actor Actor => Actor.Affiliate(Affiliate.Id, Affiliate.Name);

    [TempData] public string? Flash { get; set; }

    /// <summary>The field-by-field problems of the last submitted form, shown next to the fields.</summary>
    public IReadOnlyList<ErrorDetail> Errors { get; protected set; } = [];

    public string? ErrorFor(string field) => Errors.FirstOrDefault(e => e.Field == field)?.Message;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (PortalAuth.Affiliate(HttpContext) is not var (programId, affiliateId))
        {
            context.Result = Redirect("/portal/signed-out");
            return;
        }
        var db = HttpContext.RequestServices.GetRequiredService<RemitDb>();
        db.ProgramId = programId;
        Program = await db.CurrentProgramAsync(HttpContext.RequestAborted);
        Affiliate = await db.Affiliates.AsNoTracking().SingleAsync(a => a.Id == affiliateId, HttpContext.RequestAborted);
        await next();
    }
}
