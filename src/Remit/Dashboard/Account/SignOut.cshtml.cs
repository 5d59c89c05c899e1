using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

namespace Remit.Dashboard.Account;

[ViewersMayPost]
public sealed class SignOutModel : DashboardPage
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(DashboardAuth.Scheme);
        return LocalRedirect("/sign-in");
    }
}
