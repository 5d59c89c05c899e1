using Microsoft.AspNetCore.Mvc;
using Remit.Affiliates;
using Remit.Data;
using Remit.Security;

namespace Remit.Dashboard.Affiliates;

/// <summary>One affiliate: balances, and where they are paid (set through the same validation as PUT /v1/affiliates/{id}/payout-method).</summary>
public sealed class DetailModel(RemitDb db, SecretBox secrets, TimeProvider clock) : DashboardPage
{
    /// <summary>What the form shows again after a refused submit. Account numbers and addresses are never echoed back.</summary>
    public sealed record MethodForm(string? Method, string? PaypalEmail, string? HolderName, string? HolderType, string? RoutingNumber,
        string? AccountType, string? Network);

    public AffiliateDto Affiliate { get; private set; } = null!;
    public MethodForm Form { get; private set; } = new(null, null, null, null, null, null, null);

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (await AffiliatesApi.FindAsync(db, id, clock, ct) is not { } affiliate) return NotFound();
        Affiliate = affiliate;
        Form = new MethodForm(affiliate.PayoutMethod, affiliate.PaypalEmail, affiliate.Bank?.HolderName, affiliate.Bank?.HolderType,
            affiliate.Bank?.RoutingNumber, affiliate.Bank?.AccountType, affiliate.Crypto?.Network);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, [FromForm(Name = "payout_method")] string? method,
        [FromForm(Name = "paypal_email")] string? paypalEmail, [FromForm(Name = "bank.holder_name")] string? holderName,
        [FromForm(Name = "bank.holder_type")] string? holderType, [FromForm(Name = "bank.routing_number")] string? routingNumber,
        [FromForm(Name = "bank.account_number")] string? accountNumber, [FromForm(Name = "bank.account_type")] string? accountType,
        [FromForm(Name = "crypto.network")] string? network, [FromForm(Name = "crypto.address")] string? address, CancellationToken ct)
    {
        // The form shows every method's fields; only the chosen method's are sent on, as the API would receive them.
        method = string.IsNullOrEmpty(method) ? null : method;
        var body = new PayoutMethodBody(method,
            method == Remit.Programs.PayoutMethods.PayPal ? paypalEmail : null,
            method == Remit.Programs.PayoutMethods.Bank ? new BankBody(holderName, holderType, routingNumber?.Trim(), accountNumber, accountType) : null,
            method == Remit.Programs.PayoutMethods.Crypto ? new CryptoBody(network, address) : null);
        var outcome = await PayoutMethodApi.SetAsync(db, id, body, Actor, secrets, clock, ct);
        if (outcome.Error is { Kind: ProblemKind.NotFound }) return NotFound();
        if (outcome.Error is { } error)
        {
            Affiliate = (await AffiliatesApi.FindAsync(db, id, clock, ct))!;
            Form = new MethodForm(method, paypalEmail, holderName, holderType, routingNumber, accountType, network);
            Errors = error.FieldErrors("payout_method");
            Response.StatusCode = error.Status();
            return Page();
        }
        Flash = $"Payout details saved: {Display.Label(outcome.Value!.PayoutMethod)} · {outcome.Value.Destination}.";
        return LocalRedirect($"/affiliates/{id}");
    }
}
