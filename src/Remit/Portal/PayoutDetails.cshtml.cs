using Microsoft.AspNetCore.Mvc;
using Remit.Affiliates;
using Remit.Dashboard;
using Remit.Data;
using Remit.Programs;
using Remit.Security;

namespace Remit.Portal;

/// <summary>
/// The affiliate's own payout details: the same validation, encryption and plan rules as PUT
/// /v1/affiliates/{id}/payout-method (PayoutMethodApi.SetAsync), audited with the affiliate as actor; the change then
/// waits for the merchant's confirmation before payouts go there (PayoutHold).
/// </summary>
public sealed class PayoutDetailsModel(RemitDb db, SecretBox secrets, TimeProvider clock) : PortalPage
{
    /// <summary>What the form shows (again after a refusal). Account numbers and addresses are never echoed back.</summary>
    public sealed record MethodForm(string? Method, string? PaypalEmail, string? HolderName, string? HolderType, string? RoutingNumber,
        string? AccountType, string? Network);

    public MethodForm Form { get; private set; } = new(null, null, null, null, null, null, null);

    public void OnGet()
    {
        var a = Affiliate;
        Form = new MethodForm(a.PayoutMethod, a.PayPalEmail, a.Account.HolderName, a.Account.HolderType, a.Account.RoutingNumber,
            a.Account.AccountType, a.Account.Network);
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "payout_method")] string? method,
        [FromForm(Name = "paypal_email")] string? paypalEmail, [FromForm(Name = "bank.holder_name")] string? holderName,
        [FromForm(Name = "bank.holder_type")] string? holderType, [FromForm(Name = "bank.routing_number")] string? routingNumber,
        [FromForm(Name = "bank.account_number")] string? accountNumber, [FromForm(Name = "bank.account_type")] string? accountType,
        [FromForm(Name = "crypto.network")] string? network, [FromForm(Name = "crypto.address")] string? address, CancellationToken ct)
    {
        // Every method's fields are on the form; only the chosen method's go on, as the API would receive them.
        method = string.IsNullOrEmpty(method) ? null : method;
        var body = new PayoutMethodBody(method,
            method == PayoutMethods.PayPal ? paypalEmail : null,
            method == PayoutMethods.Bank ? new BankBody(holderName, holderType, routingNumber?.Trim(), accountNumber, accountType) : null,
            method == PayoutMethods.Crypto ? new CryptoBody(network, address) : null);
        var outcome = await PayoutMethodApi.SetAsync(db, Affiliate.Id, body, Actor, secrets, clock, ct);
        if (outcome.Error is { } error)
        {
            Form = new MethodForm(method, paypalEmail, holderName, holderType, routingNumber, accountType, network);
            Errors = error.FieldErrors("payout_method");
            Response.StatusCode = error.Status();
            return Page();
        }
        Flash = $"Saved: {Display.Label(outcome.Value!.PayoutMethod)} · {outcome.Value.Destination}. {Program.Name} confirms new details before paying to them.";
        return LocalRedirect("/portal/payout-details");
    }
}
