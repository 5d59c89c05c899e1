using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Api;
using Remit.Data;
using Remit.Payouts;
using Remit.Portal;
using Remit.Security;
using Microsoft.Extensions.Options;

namespace Remit.Dashboard.Affiliates;

/// <summary>
/// One affiliate: balances, their profile and status (PATCH /v1/affiliates/{id}'s AffiliateActions.UpdateAsync), where
/// they are paid (PUT .../payout-method's PayoutMethodApi.SetAsync), and a manual payout of what is payable now
/// (POST /v1/payouts's PayoutActions.CreateManualAsync).
/// </summary>
public sealed class DetailModel(RemitDb db, SecretBox secrets, TimeProvider clock, PortalMailer mailer, IOptions<PortalOptions> portalOptions,
    IOptions<PublicUrlOptions> publicUrl) : DashboardPage
{
    public const string ProfileForm = "profile", MethodFormName = "method";

    /// <summary>What the form shows again after a refused submit. Account numbers and addresses are never echoed back.</summary>
    public sealed record MethodForm(string? Method, string? PaypalEmail, string? HolderName, string? HolderType, string? RoutingNumber,
        string? AccountType, string? Network);

    public sealed record Profile(string? Name, string? Email, string? Country);

    public AffiliateDto Affiliate { get; private set; } = null!;

    /// <summary>Why the form in force no longer counts (a TIN mismatch, a name change), when it does not.</summary>
    public string? TaxFormInvalidReason { get; private set; }

    /// <summary>A sign-in link just made, shown this once (never stored whole, never put in a cookie).</summary>
    public PortalLinkDto? NewLink { get; private set; }

    public bool CanEmail => mailer.IsConfigured;
    public MethodForm Form { get; private set; } = new(null, null, null, null, null, null, null);
    public Profile ProfileValues { get; private set; } = new(null, null, null);

    /// <summary>Which form the <see cref="DashboardPage.Errors"/> belong to, so each shows only its own.</summary>
    public string? RefusedForm { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

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
            await LoadAsync(id, ct);
            Form = new MethodForm(method, paypalEmail, holderName, holderType, routingNumber, accountType, network);
            return Refused(MethodFormName, error, "payout_method");
        }
        Flash = $"Payout details saved: {Display.Label(outcome.Value!.PayoutMethod)} · {outcome.Value.Destination}.";
        return LocalRedirect($"/affiliates/{id}");
    }

    /// <summary>Name, email and country, as PATCH /v1/affiliates/{id} changes them.</summary>
    public async Task<IActionResult> OnPostProfileAsync(long id, string? name, string? email, string? country, CancellationToken ct)
    {
        // A blank country clears it, as PATCH's "country": "" does; the form always sends all three.
        var body = new AffiliateBody(name, email, country ?? "", null, null, null);
        var outcome = await AffiliateActions.UpdateAsync(db, id, body, Actor, clock, ct);
        if (outcome.Error is { Kind: ProblemKind.NotFound }) return NotFound();
        if (outcome.Error is { } error)
        {
            await LoadAsync(id, ct);
            ProfileValues = new Profile(name, email, country);
            return Refused(ProfileForm, error, "name");
        }
        Flash = $"Profile of {outcome.Value!.Name} saved.";
        return LocalRedirect($"/affiliates/{id}");
    }

    /// <summary>Disable (no new commissions, payouts or requests) or enable again: PATCH's status.</summary>
    public async Task<IActionResult> OnPostStatusAsync(long id, string? status, CancellationToken ct)
    {
        var outcome = await AffiliateActions.UpdateAsync(db, id, new AffiliateBody(null, null, null, null, null, status ?? ""), Actor, clock, ct);
        if (outcome.Error is { Kind: ProblemKind.NotFound }) return NotFound();
        if (outcome.Error is { } error) FlashError = $"The status was not changed: {error.Line()}";
        else Flash = outcome.Value!.Status == AffiliateStatus.Disabled
            ? $"{outcome.Value.Name} is disabled: no new commissions, payouts or payout requests until enabled again."
            : $"{outcome.Value.Name} is active again.";
        return LocalRedirect($"/affiliates/{id}");
    }

    /// <summary>A manual payout of everything payable now, as POST /v1/payouts makes it.</summary>
    public async Task<IActionResult> OnPostPayoutAsync(long id, CancellationToken ct)
    {
        var outcome = await PayoutActions.CreateManualAsync(db, id, Actor, clock, ct);
        if (outcome.Error is { Kind: ProblemKind.NotFound }) return NotFound();
        if (outcome.Error is { } error)
        {
            FlashError = $"No payout was made: {error.Line()}";
            return LocalRedirect($"/affiliates/{id}");
        }
        var payout = outcome.Value!;
        Flash = $"Payout #{payout.Id} of {Display.Money(payout.AmountMinor, payout.Currency)} created (pending).";
        return LocalRedirect($"/payouts/{payout.Id}");
    }

    /// <summary>"Copy sign-in link" (and "E-mail sign-in link"): POST /v1/affiliates/{id}/portal-link's PortalApi.CreateAsync.</summary>
    public async Task<IActionResult> OnPostPortalLinkAsync(long id, bool email, CancellationToken ct)
    {
        var outcome = await PortalApi.CreateAsync(db, id, email, publicUrl.Value.For(Request), portalOptions.Value, mailer, Actor, clock, ct);
        if (outcome.Error is { Kind: ProblemKind.NotFound }) return NotFound();
        await LoadAsync(id, ct);
        if (outcome.Error is { } error)
        {
            FlashError = $"No sign-in link was made: {error.Line()}";
            return LocalRedirect($"/affiliates/{id}");
        }
        NewLink = outcome.Value;
        return Page();
    }

    /// <summary>Confirms the payout details the affiliate changed: POST /v1/affiliates/{id}/payout-details/confirm's ConfirmAsync.</summary>
    public async Task<IActionResult> OnPostConfirmDetailsAsync(long id, CancellationToken ct)
    {
        var outcome = await PayoutMethodApi.ConfirmAsync(db, id, Actor, clock, ct);
        if (outcome.Error is { Kind: ProblemKind.NotFound }) return NotFound();
        if (outcome.Error is { } error) FlashError = $"Nothing was confirmed: {error.Line()}";
        else Flash = $"Payout details confirmed: {Display.Label(outcome.Value!.PayoutMethod)} · {outcome.Value.Destination}. Payouts held for them can be paid.";
        return LocalRedirect($"/affiliates/{id}");
    }

    private IActionResult Refused(string form, Problem error, string fallbackField)
    {
        RefusedForm = form;
        Errors = error.FieldErrors(fallbackField);
        Response.StatusCode = error.Status();
        return Page();
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        if (await AffiliatesApi.FindAsync(db, id, clock, ct) is not { } affiliate) return false;
        Affiliate = affiliate;
        TaxFormInvalidReason = await Remit.Tax.TaxForms.Current(db).Where(f => f.AffiliateId == id).Select(f => f.InvalidReason).SingleOrDefaultAsync(ct);
        Form = new MethodForm(affiliate.PayoutMethod, affiliate.PaypalEmail, affiliate.Bank?.HolderName, affiliate.Bank?.HolderType,
            affiliate.Bank?.RoutingNumber, affiliate.Bank?.AccountType, affiliate.Crypto?.Network);
        ProfileValues = new Profile(affiliate.Name, affiliate.Email, affiliate.Country);
        return true;
    }
}
