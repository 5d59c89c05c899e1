namespace Remit.Portal;

/// <summary>The portal's menu: one list, in order; a new portal page adds its line here.</summary>
public static class PortalNav
{
    public static readonly IReadOnlyList<(string Href, string Text)> Items =
    [
        ("/portal", "Overview"),
        ("/portal/payouts", "Payouts"),
        ("/portal/payout-details", "Payout details"),
        ("/portal/request", "Request a payout"),
        ("/portal/tax-documents", "Tax documents"),
    ];

    /// <summary>The item a path belongs to: the longest href it starts with, so /portal/payouts/7 marks Payouts, not Overview.</summary>
    public static string? Current(PathString path) => Items
        .Where(i => path.StartsWithSegments(i.Href))
        .OrderByDescending(i => i.Href.Length)
        .Select(i => i.Href)
        .FirstOrDefault();
}
