using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Remit.Data;

namespace Remit.Dashboard.Account;

[ViewersMayPost]
public sealed class SignInModel(RemitDb db, TimeProvider clock) : PageModel
{
    public string? Email { get; private set; }
    public string? ReturnUrl { get; private set; }
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        ReturnUrl = returnUrl;
        var signedIn = await HttpContext.AuthenticateAsync(DashboardAuth.Scheme);
        return signedIn.Succeeded ? LocalRedirect(SafeReturn(returnUrl)) : Page();
    }

    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? returnUrl, CancellationToken ct)
    {
        var (outcome, user) = await DashboardAuth.CheckPasswordAsync(db, email, password, clock, ct);
        if (outcome == DashboardAuth.SignInOutcome.SignedIn)
        {
            await HttpContext.SignInAsync(DashboardAuth.Scheme, DashboardAuth.Principal(user!), new AuthenticationProperties { IsPersistent = false });
            return LocalRedirect(SafeReturn(returnUrl));
        }
        Email = email;
        ReturnUrl = returnUrl;
        Problem = outcome == DashboardAuth.SignInOutcome.LockedOut
            ? $"Too many failed sign-ins. This account is locked for {DashboardAuth.LockOut.TotalMinutes:0} minutes."
            : "The email or password is not right.";
        Response.StatusCode = outcome == DashboardAuth.SignInOutcome.LockedOut ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
        return Page();
    }

    private string SafeReturn(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/payouts";
}
