using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Remit.Data;

namespace Remit.Portal;

/// <summary>Signing out deletes the session row, so a copy of the cookie is no good either.</summary>
public sealed class SignOutModel(RemitDb db) : PageModel
{
    public IActionResult OnGet() => LocalRedirect("/portal");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (PortalAuth.Identity(HttpContext)?.FindFirst(PortalAuth.SessionClaim)?.Value is { } key)
            await PortalSession.EndAsync(db, key, ct);
        await HttpContext.SignOutAsync(PortalAuth.Scheme);
        return LocalRedirect("/portal/signed-out");
    }
}
