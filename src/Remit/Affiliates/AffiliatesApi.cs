using System.Globalization;
using System.Net.Mail;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Commissions;
using Remit.Data;
using Remit.Programs;

namespace Remit.Affiliates;

public sealed record AffiliateDto(
    long Id, string Name, string Email, string? Country, string Status, string? PayoutMethod, string? PaypalEmail,
    BankDetailsDto? Bank, CryptoDetailsDto? Crypto, string? Destination,
    decimal Balance, decimal PendingBalance, string Currency, DateTime CreatedAt, string TaxFormStatus, UnconfirmedDetailsDto? UnconfirmedPayoutDetails);

/// <summary>
/// Payout details the affiliate changed in the portal that the merchant has not confirmed yet: when, and where they
/// now point (masked). Payouts made to them are held until POST /v1/affiliates/{id}/payout-details/confirm.
/// </summary>
public sealed record UnconfirmedDetailsDto(DateTime ChangedAt, string? PayoutMethod, string? Destination);

/// <summary>A bank account as the API shows it: never the whole number.</summary>
public sealed record BankDetailsDto(string? HolderName, string? HolderType, string? RoutingNumber, string? AccountType, string? AccountLast4);

/// <summary>A wallet as the API shows it: never the whole address.</summary>
public sealed record CryptoDetailsDto(string? Network, string? AddressLast4);

public sealed record AffiliateBody(string? Name, string? Email, string? Country, string? PayoutMethod, string? PaypalEmail, string? Status);

/// <summary>An affiliate with its balances summed by the database, in minor units (decimals: no row count overflows them).</summary>
public sealed record AffiliateRow(Affiliate Affiliate, decimal Payable, decimal OnHold, string TaxFormStatus)
{
    public AffiliateDto ToDto(string currency)
    {
        var a = Affiliate;
        var account = a.Account;
        return new(a.Id, a.Name, a.Email, a.Country, a.Status, a.PayoutMethod, a.PayPalEmail,
            a.PayoutMethod == PayoutMethods.Bank ? new(account.HolderName, account.HolderType, account.RoutingNumber, account.AccountType, account.Last4) : null,
            a.PayoutMethod == PayoutMethods.Crypto ? new(account.Network, account.Last4) : null,
            a.Destination, Money.ToDecimal(Payable, currency), Money.ToDecimal(OnHold, currency), currency, a.CreatedAt, TaxFormStatus,
            a.UnconfirmedDetailsAt is { } changedAt ? new(changedAt, a.PayoutMethod, a.Destination) : null);
    }
}

public static class AffiliatesApi
{
    public static IEndpointRouteBuilder MapAffiliates(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1/affiliates", "Affiliates");
        group.MapGet("/", List).RequireAuthorization(Scopes.AffiliatesRead)
            .WithQuery(QueryDocs.Paging, QueryDocs.AffiliateFilters)
            .WithName("listAffiliates").WithSummary("List affiliates")
            .WithDescription("Affiliates of the program with what each is owed, a page at a time (`page`, `per_page`), filtered by `status` and `q` (name or email).");
        group.MapGet("/{id:long}", Get).RequireAuthorization(Scopes.AffiliatesRead)
            .WithName("getAffiliate").WithSummary("Get an affiliate")
            .WithDescription("One affiliate: contact, payout method (account details masked), balances.");
        group.MapPost("/", Create).RequireAuthorization(Scopes.AffiliatesWrite).Accepts<AffiliateBody>("application/json")
            .WithName("createAffiliate").WithSummary("Create an affiliate")
            .WithDescription("A new affiliate: `name` and `email` required; `country`, `payout_method` (one the plan offers) and `paypal_email` optional.")
            .Produces<ErrorEnvelope>(409);
        group.MapPatch("/{id:long}", Update).RequireAuthorization(Scopes.AffiliatesWrite).Accepts<AffiliateBody>("application/json")
            .WithName("updateAffiliate").WithSummary("Update an affiliate")
            .WithDescription("Changes the fields given; the others keep their value. `status` `disabled` stops new payouts.")
            .Produces<ErrorEnvelope>(409);
        group.MapPut("/{id:long}/payout-method", PayoutMethodApi.Put).RequireAuthorization(Scopes.AffiliatesWrite).Accepts<PayoutMethodBody>("application/json")
            .WithName("setAffiliatePayoutMethod").WithSummary("Set an affiliate's payout method")
            .WithDescription("How the affiliate is paid: `paypal` with `paypal_email`, `bank` with `bank` details, or `crypto` with `crypto` details, as the plan allows. Account numbers and addresses are stored encrypted and shown masked.")
            .Produces<ErrorEnvelope>(409);
        group.MapPost("/{id:long}/payout-details/confirm", PayoutMethodApi.Confirm).RequireAuthorization(Scopes.AffiliatesWrite)
            .WithName("confirmAffiliatePayoutDetails").WithSummary("Confirm payout details the affiliate changed")
            .WithDescription("After the affiliate changed their payout details in the portal (`unconfirmed_payout_details` on the affiliate), " +
                "payouts made to the new details are held (`holds`: `payout_details_unconfirmed`; 409 `PAYOUT_DETAILS_UNCONFIRMED` on processing, " +
                "complete and batches). Confirming, once you have checked the change with the affiliate, releases them. 409 `INVALID_STATUS` when " +
                "there is nothing to confirm; `CONCURRENT_UPDATE` when the affiliate changed them again meanwhile (look again).")
            .Produces<ErrorEnvelope>(409);
        return app;
    }

    /// <summary>
    /// Affiliates with balance (payable now), pending_balance (still in the hold period) and tax_form_status (the form
    /// in force as <see cref="Tax.TaxFormStatus.Of"/> reads it, computed by the database so a page costs one query).
    /// </summary>
    public static IQueryable<AffiliateRow> WithBalances(RemitDb db, IQueryable<Affiliate> affiliates, AffiliateProgram program, DateTime now)
    {
        var cutoff = CommissionStatus.PayableCutoff(now, program.HoldDays);
        var payable = db.Commissions.Where(CommissionStatus.IsPayable(cutoff));
        var onHold = db.Commissions.Where(CommissionStatus.IsOnHold(cutoff));
        return Tax.TaxForms.WithStatus(db, affiliates, program.Plan, DateOnly.FromDateTime(now)).Select(s => new AffiliateRow(s.Affiliate,
            payable.Where(c => c.AffiliateId == s.Affiliate.Id).Sum(c => (decimal)c.AmountMinor),
            onHold.Where(c => c.AffiliateId == s.Affiliate.Id).Sum(c => (decimal)c.AmountMinor),
            s.Status));
    }

    public static async Task<Results<Ok<ListEnvelope<AffiliateDto>>, ApiError>> List(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(http.Request, v);
        var status = QueryParams.OneOf(http.Request, "status", AffiliateStatus.All, v, many: false);
        var q = QueryParams.Text(http.Request, "q");
        if (!v.IsValid) return v.ToProblem().ToHttp();
        var program = await db.CurrentProgramAsync(ct);
        var affiliates = db.Affiliates.AsNoTracking();
        if (status is [var s]) affiliates = affiliates.Where(a => a.Status == s);
        if (q is not null)
        {
            var pattern = "%" + Payouts.PayoutQuery.EscapeLike(Affiliate.Normalise(q)) + "%";
            affiliates = affiliates.Where(a => EF.Functions.Like(a.SearchText, pattern, "\\"));
        }
        var rows = WithBalances(db, affiliates.OrderBy(a => a.Name).ThenBy(a => a.Id), program, clock.GetUtcNow().UtcDateTime);
        return TypedResults.Ok(await paging.ApplyAsync(rows, r => r.ToDto(program.Currency), http, ct));
    }

    public static async Task<Results<Ok<DataEnvelope<AffiliateDto>>, ApiError>> Get(long id, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var dto = await FindAsync(db, id, clock, ct);
        return dto is null ? Problem.NotFound("Affiliate not found.").ToHttp() : TypedResults.Ok(new DataEnvelope<AffiliateDto>(dto));
    }

    public static async Task<AffiliateDto?> FindAsync(RemitDb db, long id, TimeProvider clock, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        var row = await WithBalances(db, db.Affiliates.AsNoTracking().Where(a => a.Id == id), program, clock.GetUtcNow().UtcDateTime)
            .SingleOrDefaultAsync(ct);
        return row?.ToDto(program.Currency);
    }

    public static async Task<Results<Created<DataEnvelope<AffiliateDto>>, ApiError>> Create(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<AffiliateBody>(http.Request);
        if (error is not null) return error.ToHttp();
        var outcome = await AffiliateActions.CreateAsync(db, body ?? new AffiliateBody(null, null, null, null, null, null), http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        var affiliate = outcome.Value!;
        var dto = await FindAsync(db, affiliate.Id, clock, ct);
        return TypedResults.Created($"/v1/affiliates/{affiliate.Id}", new DataEnvelope<AffiliateDto>(dto!));
    }

    public static async Task<Results<Ok<DataEnvelope<AffiliateDto>>, ApiError>> Update(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<AffiliateBody>(http.Request);
        if (error is not null) return await error.ToHttpAsync(() => db.Affiliates.AnyAsync(a => a.Id == id, ct), "Affiliate not found.");
        var outcome = await AffiliateActions.UpdateAsync(db, id, body ?? new AffiliateBody(null, null, null, null, null, null), http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        return TypedResults.Ok(new DataEnvelope<AffiliateDto>((await FindAsync(db, id, clock, ct))!));
    }
}

/// <summary>Adding affiliates and checking their fields: shared by the API and the dashboard.</summary>
public static class AffiliateActions
{
    public static async Task<Outcome<Affiliate>> CreateAsync(RemitDb db, AffiliateBody body, Audit.Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        var affiliate = new Affiliate { ProgramId = program.Id, Name = "", Email = "", CreatedAt = clock.GetUtcNow().UtcDateTime };
        if (Apply(affiliate, body, program, creating: true) is { } invalid) return invalid;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Affiliates.Add(affiliate);
        await db.SaveChangesAsync(ct);
        db.AuditEvents.Add(actor.Record(program.Id, "affiliate.created", "affiliate", affiliate.Id, affiliate.CreatedAt));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Outcome<Affiliate>.Ok(affiliate);
    }

    /// <summary>
    /// PATCH semantics: only the given fields change (a <c>status</c> of disabled stops new commissions, payouts and
    /// requests for the affiliate), validated against the affiliate as it will be; all or nothing, audited, and saved
    /// over the affiliate as read (a concurrent change makes it merge and validate again: OptimisticConcurrency).
    /// </summary>
    public static Task<Outcome<Affiliate>> UpdateAsync(RemitDb db, long id, AffiliateBody body, Audit.Actor actor, TimeProvider clock, CancellationToken ct) =>
        db.RetryAsync(async () =>
        {
            var affiliate = await db.Affiliates.SingleOrDefaultAsync(a => a.Id == id, ct);
            if (affiliate is null) return Problem.NotFound("Affiliate not found.");
            var program = await db.CurrentProgramAsync(ct);
            var detailsBefore = (affiliate.PayoutMethod, affiliate.PayPalEmail);
            if (Apply(affiliate, body, program, creating: false) is { } invalid) return invalid;
            db.AuditEvents.Add(actor.Record(program.Id, "affiliate.updated", "affiliate", id, clock.GetUtcNow().UtcDateTime,
                notes: body.Status is { } status ? $"status: {status}" : null));
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.SaveChangesAsync(ct);
            // A new method or PayPal email changes where the affiliate is paid, as PUT .../payout-method does.
            if (detailsBefore != (affiliate.PayoutMethod, affiliate.PayPalEmail))
                await Webhooks.WebhookEvents.AffiliateAsync(db, Webhooks.WebhookEventTypes.PayoutDetailsChanged, id, clock, ct);
            await tx.CommitAsync(ct);
            AffiliateLog.For(db).Updated(id, program.Id, affiliate.Status, affiliate.PayoutMethod, actor.Type, actor.Id);
            return Outcome<Affiliate>.Ok(affiliate);
        }, () => Problem.ConcurrentUpdate("affiliate"));

    /// <summary>Validates the given fields against the affiliate as it will be, then applies them; all or nothing.</summary>
    public static Problem? Apply(Affiliate a, AffiliateBody body, AffiliateProgram program, bool creating)
    {
        var v = new Validation();
        var name = v.Text(body.Name, "name", 200, required: creating);
        var email = v.Text(body.Email, "email", 320, required: creating);
        if (email is not null && !IsEmail(email)) v.Add("email", "email is not a valid email address.");
        var country = body.Country?.Trim().ToUpperInvariant();
        if (country is { Length: > 0 } && !IsCountry(country)) v.Add("country", "country must be an ISO 3166-1 alpha-2 code such as US.");
        if (body.Status is not null && !AffiliateStatus.All.Contains(body.Status))
            v.Add("status", $"status must be one of {string.Join(", ", AffiliateStatus.All)}.");
        if (creating && body.Status is not null) v.Add("status", "status is set after creation.");

        var method = body.PayoutMethod ?? a.PayoutMethod;
        if (body.PayoutMethod is not null && !PayoutMethods.All.Contains(body.PayoutMethod))
            v.Add("payout_method", $"payout_method must be one of {string.Join(", ", PayoutMethods.All)}.");
        else if (body.PayoutMethod is not null && Plans.Refusal(program.Plan, body.PayoutMethod) is { } refusal)
            v.Add("payout_method", refusal);
        var paypal = v.Text(body.PaypalEmail, "paypal_email", 320) ?? (body.PayoutMethod is null ? a.PayPalEmail : null);
        if (paypal is not null && !IsEmail(paypal)) v.Add("paypal_email", "paypal_email is not a valid email address.");
        if (method == PayoutMethods.PayPal && paypal is null) v.Add("paypal_email", "paypal_email is required for PayPal payouts.");
        if (!v.IsValid) return v.ToProblem();

        if (name is not null) a.Name = name;
        if (email is not null) a.Email = email;
        if (body.Country is not null) a.Country = country is { Length: > 0 } ? country : null;
        if (body.Status is not null) a.Status = body.Status;
        // An account belongs to the method it was given for; its details come through PUT .../payout-method, which
        // validates and encrypts them together.
        if (method != a.PayoutMethod) a.Account = PayoutAccount.None;
        a.PayoutMethod = method;
        a.PayPalEmail = method == PayoutMethods.PayPal ? paypal : null;
        a.RefreshSearchText();
        return null;
    }

    public static bool IsEmail(string text) =>
        MailAddress.TryCreate(text, out var address) && address.Address == text && text.Contains('.', StringComparison.Ordinal);

    private static bool IsCountry(string code)
    {
        if (code.Length != 2 || !code.All(char.IsAsciiLetterUpper)) return false;
        try
        {
            return new RegionInfo(code).TwoLetterISORegionName == code;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
