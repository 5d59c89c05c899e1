using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;
using Remit.Payments;
using Remit.Programs;
using Remit.Security;

namespace Remit.Affiliates;

public sealed record BankBody(string? HolderName, string? HolderType, string? RoutingNumber, string? AccountNumber, string? AccountType);
public sealed record CryptoBody(string? Network, string? Address);
public sealed record PayoutMethodBody(string? PayoutMethod, string? PaypalEmail, BankBody? Bank, CryptoBody? Crypto);

/// <summary>
/// PUT /v1/affiliates/{id}/payout-method: where an affiliate is paid. Bank account numbers and wallet addresses are
/// validated, encrypted before they reach the database, and never shown again beyond their last four characters.
/// </summary>
public sealed record MethodChoice(string Method, string? PaypalEmail, PayoutAccount Account);

public static class PayoutMethodApi
{
    public const int MinAccountDigits = 4, MaxAccountDigits = Nacha.AccountNumberLength;

    public static async Task<Results<Ok<DataEnvelope<AffiliateDto>>, ApiError>> Put(long id, HttpContext http, RemitDb db, SecretBox secrets,
        TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<PayoutMethodBody>(http.Request);
        if (error is not null) return await error.ToHttpAsync(() => db.Affiliates.AnyAsync(a => a.Id == id, ct), "Affiliate not found.");
        var outcome = await SetAsync(db, id, body ?? new PayoutMethodBody(null, null, null, null), http.Actor(), secrets, clock, ct);
        return outcome.Error?.ToHttp() ?? (Results<Ok<DataEnvelope<AffiliateDto>>, ApiError>)TypedResults.Ok(new DataEnvelope<AffiliateDto>(outcome.Value!));
    }

    /// <summary>
    /// Validates, encrypts and saves an affiliate's payout details; the API and the dashboard both come here. Saved
    /// over the affiliate as read, so a concurrent PATCH cannot leave one method's details beside another method.
    /// </summary>
    public static async Task<Outcome<AffiliateDto>> SetAsync(RemitDb db, long id, PayoutMethodBody body, Audit.Actor actor, SecretBox secrets,
        TimeProvider clock, CancellationToken ct)
    {
        var saved = await db.RetryAsync(() => SetOnceAsync(db, id, body, actor, secrets, clock, ct), () => Problem.ConcurrentUpdate("affiliate"));
        if (saved.Error is not null) return saved.Error;
        return Outcome<AffiliateDto>.Ok((await AffiliatesApi.FindAsync(db, id, clock, ct))!);
    }

    private static async Task<Outcome<Affiliate>> SetOnceAsync(RemitDb db, long id, PayoutMethodBody body, Audit.Actor actor, SecretBox secrets,
        TimeProvider clock, CancellationToken ct)
    {
        var affiliate = await db.Affiliates.SingleOrDefaultAsync(a => a.Id == id, ct);
        if (affiliate is null) return Problem.NotFound("Affiliate not found.");
        var program = await db.CurrentProgramAsync(ct);
        var outcome = Validate(body, program, secrets);
        if (outcome.Error is not null) return outcome.Error;

        var (method, paypal, account) = outcome.Value!;
        var now = clock.GetUtcNow().UtcDateTime;
        affiliate.PayoutMethod = method;
        affiliate.PayPalEmail = paypal;
        affiliate.Account = account;
        // Details the affiliate gives wait for the merchant's confirmation before money goes there (PayoutHold);
        // details the merchant gives are theirs, and replace any change still waiting.
        affiliate.UnconfirmedDetailsAt = actor.Type == Audit.Actor.AffiliateType ? now : null;
        // The label is the masked form, so the trail records which account without holding the number.
        db.AuditEvents.Add(actor.Record(program.Id, "affiliate.payout_method.updated", "affiliate", id, now,
            notes: $"{method}: {affiliate.Destination}"));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.SaveChangesAsync(ct);
        await Webhooks.WebhookEvents.AffiliateAsync(db, Webhooks.WebhookEventTypes.PayoutDetailsChanged, id, clock, ct);
        await tx.CommitAsync(ct);
        AffiliateLog.For(db).PayoutDetailsChanged(id, program.Id, method, actor.Type, actor.Id);
        return Outcome<Affiliate>.Ok(affiliate);
    }

    public static async Task<Results<Ok<DataEnvelope<AffiliateDto>>, ApiError>> Confirm(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var outcome = await ConfirmAsync(db, id, http.Actor(), clock, ct);
        return outcome.Error?.ToHttp() ?? (Results<Ok<DataEnvelope<AffiliateDto>>, ApiError>)TypedResults.Ok(new DataEnvelope<AffiliateDto>(outcome.Value!));
    }

    /// <summary>
    /// The merchant confirms the payout details the affiliate changed: the change stops waiting and the payouts made to
    /// exactly that change are released, together. Guarded by the change's time as read: if the affiliate changed the
    /// details again meanwhile, nothing is confirmed (the merchant has not seen the newer details). Payouts held for an
    /// older change stay held (those details were never confirmed); fail them and the next payout goes to these.
    /// </summary>
    public static async Task<Outcome<AffiliateDto>> ConfirmAsync(RemitDb db, long id, Audit.Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var affiliate = await db.Affiliates.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (affiliate is null) return Problem.NotFound("Affiliate not found.");
        if (affiliate.UnconfirmedDetailsAt is not { } changedAt)
            return Problem.InvalidStatus("The affiliate's payout details have no change waiting for confirmation.");
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var confirmed = await db.Affiliates.Where(a => a.Id == id && a.UnconfirmedDetailsAt == changedAt)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.UnconfirmedDetailsAt, (DateTime?)null).SetProperty(a => a.Version, a => a.Version + 1), ct);
        if (confirmed == 0) return Problem.ConcurrentUpdate("affiliate's payout details");
        var released = await db.Payouts.Where(p => p.AffiliateId == id && p.HeldForDetailsAt == changedAt)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.HeldForDetailsAt, (DateTime?)null), ct);
        db.AuditEvents.Add(actor.Record(db.ProgramId, "affiliate.payout_details.confirmed", "affiliate", id, now,
            notes: $"{affiliate.PayoutMethod}: {affiliate.Destination}; {released} held payouts released"));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        AffiliateLog.For(db).PayoutDetailsConfirmed(id, db.ProgramId, released, actor.Type, actor.Id);
        return Outcome<AffiliateDto>.Ok((await AffiliatesApi.FindAsync(db, id, clock, ct))!);
    }

    public static Outcome<MethodChoice> Validate(PayoutMethodBody body, AffiliateProgram program, SecretBox secrets)
    {
        var v = new Validation();
        var method = body.PayoutMethod;
        if (method is null) return Problem.Invalid("payout_method", $"payout_method is required: one of {string.Join(", ", PayoutMethods.All)}.");
        if (!PayoutMethods.All.Contains(method)) return Problem.Invalid("payout_method", $"payout_method must be one of {string.Join(", ", PayoutMethods.All)}.");
        if (Plans.Refusal(program.Plan, method) is { } refusal) return Problem.Invalid("payout_method", refusal);
        if (method != PayoutMethods.PayPal && body.PaypalEmail is not null) v.Add("paypal_email", "paypal_email goes only with payout_method paypal.");
        if (method != PayoutMethods.Bank && body.Bank is not null) v.Add("bank", "bank goes only with payout_method bank.");
        if (method != PayoutMethods.Crypto && body.Crypto is not null) v.Add("crypto", "crypto goes only with payout_method crypto.");

        switch (method)
        {
            case PayoutMethods.PayPal:
                var email = v.Text(body.PaypalEmail, "paypal_email", 320, required: true);
                if (email is not null && !AffiliateActions.IsEmail(email)) v.Add("paypal_email", "paypal_email is not a valid email address.");
                return v.IsValid ? Outcome<MethodChoice>.Ok(new(method, email, PayoutAccount.None)) : v.ToProblem();

            case PayoutMethods.Bank:
                if (body.Bank is not { } bank) return Problem.Invalid("bank", "bank is required: holder_name, holder_type, routing_number, account_number, account_type.");
                var holder = v.Text(bank.HolderName, "bank.holder_name", 200, required: true);
                // The NACHA entry carries the name in ASCII; a name with nothing writable would reach the bank blank.
                if (holder is not null && Nacha.ToAchText(holder, Nacha.HolderNameLength).Length == 0)
                    v.Add("bank.holder_name", "bank.holder_name needs Latin letters or digits: bank files carry names in ASCII.");
                if (!HolderTypes.All.Contains(bank.HolderType ?? "")) v.Add("bank.holder_type", "bank.holder_type must be individual or business.");
                if (!AbaRouting.IsValid(bank.RoutingNumber))
                    v.Add("bank.routing_number", "bank.routing_number is not a valid ABA routing number (9 digits with a 3-7-1 check digit).");
                var number = bank.AccountNumber?.Trim();
                if (number is null || number.Length is < MinAccountDigits or > MaxAccountDigits || !number.All(char.IsAsciiDigit))
                    v.Add("bank.account_number", $"bank.account_number must be {MinAccountDigits} to {MaxAccountDigits} digits.");
                if (!AccountTypes.All.Contains(bank.AccountType ?? "")) v.Add("bank.account_type", "bank.account_type must be checking or savings.");
                if (!v.IsValid) return v.ToProblem();
                return Outcome<MethodChoice>.Ok(new(method, null, PayoutAccount.Bank(holder!, bank.HolderType!, bank.RoutingNumber!, bank.AccountType!,
                    secrets.Encrypt(number!), PayoutAccount.LastFour(number!))));

            default:
                if (body.Crypto is not { } crypto) return Problem.Invalid("crypto", "crypto is required: network and address.");
                var address = crypto.Address?.Trim();
                if (!CryptoAddress.IsSupportedNetwork(crypto.Network))
                    v.Add("crypto.network", $"crypto.network must be one of {string.Join(", ", CryptoAddress.Networks)}.");
                else if (!CryptoAddress.IsValidAddress(crypto.Network, address))
                    v.Add("crypto.address", crypto.Network == CryptoAddress.Solana
                        ? "crypto.address is not a Solana address (base58 of a 32-byte key)."
                        : "crypto.address is not a valid EVM address (0x + 40 hex digits; mixed case must match its EIP-55 checksum).");
                if (!v.IsValid) return v.ToProblem();
                return Outcome<MethodChoice>.Ok(new(method, null, PayoutAccount.Crypto(crypto.Network!, secrets.Encrypt(address!), PayoutAccount.LastFour(address!))));
        }
    }
}
