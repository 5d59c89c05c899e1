using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Remit.Portal;

/// <summary>Where every portal page leads without a session: a page asking for a new link.</summary>
public sealed class SignedOutModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status401Unauthorized;
}
