using System.Linq.Expressions;

namespace Remit.Payouts;

/// <summary>
/// The hold on a payout made to payout details the affiliate changed in the portal and the merchant has not
/// confirmed (an account takeover that swaps the bank account must not be paid silently). The one place that says
/// what a held payout may not do: move to processing or completed, alone, in bulk or into a batch. It may still fail.
/// </summary>
public static class PayoutHold
{
    public const string Code = "PAYOUT_DETAILS_UNCONFIRMED";

    /// <summary>How the payout's <c>holds</c> and the pages name this hold.</summary>
    public const string Name = "payout_details_unconfirmed";

    public const string Label = "held: new payout details not confirmed";

    public static bool IsHeld(Payout payout) => payout.HeldForDetailsAt is not null;

    /// <summary>The payouts free to move towards payment (for conditional UPDATEs: a hold added meanwhile is seen).</summary>
    public static Expression<Func<Payout, bool>> IsFree => p => p.HeldForDetailsAt == null;

    public static IReadOnlyList<string> Of(Payout payout) => IsHeld(payout) ? [Name] : [];

    public static Problem Refusal(IEnumerable<long> payoutIds) => Problem.Conflict(Code,
        $"Payouts {string.Join(", ", payoutIds.Order())} go to payout details the affiliate changed in the portal, not yet confirmed by you: " +
        "check the new details with the affiliate, then confirm them (POST /v1/affiliates/{id}/payout-details/confirm or the affiliate's page), or fail the payout. Nothing was moved.");
}
