using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Remit.Api;
using Remit.Data;

namespace Remit.Dashboard.Account;

[ViewersMayPost]
public sealed class SignInModel(RemitDb db, IPasswordHasher<DashboardUser> hasher, RateLimits limits, IOptions<RateLimitOptions> limitOptions,
    IOptions<DashboardOptions> options, TimeProvider clock) : PageModel
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
        Email = email;
        ReturnUrl = returnUrl;
        // Per client address, before any account is looked at: guessing across many accounts from one address is
        // slowed as much as guessing one, and the answer says nothing about any account.
        var (allowed, _, reset) = await limits.TakeAsync("sign-in:" + HttpContext.Connection.RemoteIpAddress, limitOptions.Value.SignInPermitsPerMinute);
        if (!allowed)
        {
            Response.Headers.RetryAfter = reset.ToString(CultureInfo.InvariantCulture);
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            Problem = $"Too many sign-in attempts from your address. Try again in {reset} seconds.";
            return Page();
        }
        var user = await DashboardAuth.CheckPasswordAsync(db, hasher, email, password, clock, ct);
        if (user is null)
        {
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            Problem = DashboardAuth.Refusal;
            return Page();
        }
        var key = await DashboardSession.StartAsync(db, user.Id, clock.GetUtcNow().UtcDateTime, options.Value.SessionLifetime, ct);
        await HttpContext.SignInAsync(DashboardAuth.Scheme, DashboardAuth.Principal(user, key), new AuthenticationProperties { IsPersistent = false });
        return LocalRedirect(SafeReturn(returnUrl));
    }

    private string SafeReturn(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : "/payouts";
}
