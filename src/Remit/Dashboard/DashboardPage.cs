using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Remit.Api;
using Remit.Audit;
using Remit.Programs;

namespace Remit.Dashboard;

/// <summary>What every signed-in page knows: the program, who is acting, whether they may act, one-shot messages.</summary>
public abstract class DashboardPage : PageModel
{
    public AffiliateProgram Program => DashboardContext.Program(HttpContext);

    public bool CanAct => DashboardAuth.Identity(HttpContext)?.HasClaim(ClaimTypes.Role, UserRoles.Admin) == true;

    public Actor Actor
    {
        get
        {
            var identity = DashboardAuth.Identity(HttpContext)!;
            return Actor.User(long.Parse(identity.FindFirst(ClaimTypes.NameIdentifier)!.Value, CultureInfo.InvariantCulture), identity.Name!);
        }
    }

    /// <summary>A message shown once on the next page, after a redirect.</summary>
    [TempData] public string? Flash { get; set; }

    [TempData] public string? FlashError { get; set; }

    /// <summary>The field-by-field problems of the last submitted form, shown next to the fields.</summary>
    public IReadOnlyList<ErrorDetail> Errors { get; protected set; } = [];

    public string? ErrorFor(string field) => Errors.FirstOrDefault(e => e.Field == field)?.Message;

    /// <summary>Back where the form was (a filtered, paged list), never to another site.</summary>
    protected IActionResult BackTo(string? returnUrl, string fallback) =>
        LocalRedirect(!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : fallback);

    /// <summary>The current address, for a form to come back to.</summary>
    public string Here => Request.Path + Request.QueryString;
}

public static class DashboardContext
{
    public static AffiliateProgram Program(HttpContext http) => (AffiliateProgram)http.Items[typeof(AffiliateProgram)]!;
}

/// <summary>Money in the program's currency and times in its time zone, as people read them.</summary>
public static class Display
{
    public static string Money(long minor, string currency) => $"{Api.Money.Format(minor, currency)} {currency}";

    public static string Money(decimal amount, string currency) => $"{Api.Money.Format(amount, currency)} {currency}";

    public static string Time(DateTime? utc, AffiliateProgram program) => utc is { } t
        ? TimeZoneInfo.ConvertTimeFromUtc(t, program.TimeZoneInfo).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)
        : "—";

    public static string Day(DateTime? utc, AffiliateProgram program) => utc is { } t
        ? TimeZoneInfo.ConvertTimeFromUtc(t, program.TimeZoneInfo).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
        : "—";

    /// <summary>The smallest amount an input of this currency may step by: 0.01 for USD, 1 for JPY.</summary>
    public static string Step(string currency) => Api.Money.Exponent(currency) switch
    {
        0 => "1",
        var e => "0." + new string('0', e - 1) + "1",
    };

    public static string Label(string? value) => value switch
    {
        null or "" => "—",
        PayoutMethods.PayPal => "PayPal",
        PayoutMethods.Bank => "Bank (ACH)",
        PayoutMethods.Crypto => "Crypto",
        "in_payout" => "In payout",
        _ => char.ToUpperInvariant(value[0]) + value[1..],
    };
}
