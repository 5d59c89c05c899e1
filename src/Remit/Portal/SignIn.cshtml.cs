using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Remit.Data;

namespace Remit.Portal;

/// <summary>
/// A sign-in link's page. Opening it (GET) changes nothing — mail scanners that fetch links must not use them up —
/// and shows one button; pressing it (POST, with the anti-forgery token) uses the link and starts a session.
/// </summary>
public sealed class SignInModel(RemitDb db, IOptions<PortalOptions> options, TimeProvider clock) : PageModel
{
    public bool Usable { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token)
    {
        Usable = await PortalLinks.IsUsableAsync(db, token, clock.GetUtcNow().UtcDateTime);
        if (!Usable) Response.StatusCode = StatusCodes.Status410Gone;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (await PortalLinks.RedeemAsync(db, token, now, ct) is not var (programId, affiliateId))
        {
            PortalLog.For(db).SignInRefused();
            Response.StatusCode = StatusCodes.Status410Gone;
            return Page();
        }
        var key = await PortalSession.StartAsync(db, programId, affiliateId, now, options.Value.SessionLifetime, ct);
        // A merchant signed in to the dashboard in the same browser stays signed in there: the two cookies never mix.
        await HttpContext.SignInAsync(PortalAuth.Scheme, PortalAuth.Principal(programId, affiliateId, key), new AuthenticationProperties { IsPersistent = false });
        PortalLog.For(db).SignedIn(affiliateId, programId);
        return LocalRedirect("/portal");
    }
}
