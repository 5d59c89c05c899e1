using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Remit.Data;

namespace Remit.Dashboard.Account;

[ViewersMayPost]
public sealed class SignOutModel(RemitDb db) : DashboardPage
{
    public void OnGet()
    {
    }

    /// <summary>Ends the session on the server too: a copy of the cookie is refused from now on.</summary>
    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (DashboardAuth.Identity(HttpContext)?.FindFirst(DashboardAuth.SessionClaim)?.Value is { } key)
            await DashboardSession.EndAsync(db, key, ct);
        await HttpContext.SignOutAsync(DashboardAuth.Scheme);
        return LocalRedirect("/sign-in");
    }
}
