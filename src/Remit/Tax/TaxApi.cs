using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;
using Remit.Security;

namespace Remit.Tax;

/// <summary>POST /v1/affiliates/{id}/tax-forms: a form the merchant received signed on paper.</summary>
public sealed record PaperFormBody(string? Form, JsonElement? Fields, string? SignerName, string? SignedAt);

public sealed record TinMatchingResultDto(int Matched, int Mismatched, IReadOnlyList<TinMatchLineProblem> NotProcessed);

/// <summary>Tax forms, the tax settings and TIN matching. Every one answers 422 naming the plan on a plan without forms.</summary>
public static class TaxApi
{
    public static IEndpointRouteBuilder MapTax(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1", "Tax");
        group.MapGet("/affiliates/{id:long}/tax-forms", List).RequireAuthorization(Scopes.TaxRead)
            .WithName("listAffiliateTaxForms").WithSummary("An affiliate's tax forms")
            .WithDescription("The affiliate's W-9 / W-8BEN / W-8BEN-E forms, newest first (not paged), superseded ones included: status (`valid`, `expiring`, `expired`, `invalid`, `superseded`), who signed and when, the TIN's last four only, and `expires_at` for a W-8. 422 on a plan without tax forms.")
            .Produces<ErrorEnvelope>(404).Produces<ErrorEnvelope>(422);
        group.MapPost("/affiliates/{id:long}/tax-forms", RecordPaper).RequireAuthorization(Scopes.TaxWrite).Accepts<PaperFormBody>("application/json")
            .WithName("recordPaperTaxForm").WithSummary("Record a paper tax form")
            .WithDescription("A form the merchant received signed on paper: `form` (`w9`, `w8ben`, `w8bene`), `fields` (one snake_case name per line of the form; addresses as objects), `signer_name` and `signed_at` (a UTC timestamp; a date alone is refused). Every line is checked as in the portal. It supersedes the form on file. 422 on a plan without tax forms.")
            .Produces<ErrorEnvelope>(404).Produces<ErrorEnvelope>(409);
        group.MapGet("/tax-forms/{id:long}/pdf", Pdf).RequireAuthorization(Scopes.TaxRead).Produces(200, contentType: "application/pdf")
            .WithName("getTaxFormPdf").WithSummary("A signed tax form (PDF)")
            .WithDescription("The signed form as a substitute form: every line, the certification under penalties of perjury, and the electronic signature record. It carries the whole TIN, as the form does.")
            .Produces<ErrorEnvelope>(404).Produces<ErrorEnvelope>(422);
        group.MapGet("/settings/tax", GetSettings).RequireAuthorization(Scopes.SettingsRead)
            .WithName("getTaxSettings").WithSummary("Tax settings")
            .WithDescription("The payer's details for 1099s (the EIN masked), the IRIS TCC, `require_tax_form` (payouts wait for a valid form) and `include_paypal_in_1099`. 422 on a plan without tax forms.")
            .Produces<ErrorEnvelope>(422);
        group.MapPut("/settings/tax", PutSettings).RequireAuthorization(Scopes.SettingsWrite).Accepts<TaxSettingsBody>("application/json")
            .WithName("updateTaxSettings").WithSummary("Change tax settings")
            .WithDescription("Sets the fields given (any subset; null clears one; `payer_address` merges its parts): `payer_name`, `payer_tin` (an EIN, stored encrypted, shown masked), `payer_address` {`line1`, `line2`, `city`, `state`, `zip`}, `payer_phone`, `contact_email`, `iris_tcc`, `require_tax_form`, `include_paypal_in_1099`. 409 `CONCURRENT_UPDATE` when other changes to the program kept landing first.")
            .Produces<ErrorEnvelope>(409);
        group.MapGet("/tax/tin-matching", TinMatchingRequest).RequireAuthorization(Scopes.TaxRead).Produces(200, contentType: "text/plain")
            .WithName("getTinMatchingRequest").WithSummary("Bulk TIN matching request file")
            .WithDescription("The IRS bulk TIN-matching request file (Publication 2108A) for every affiliate with a W-9 on file: one `type;tin;name;account` line each (type 1 EIN, 2 SSN/ITIN; the account is the affiliate id). Upload it to the IRS e-Services TIN Matching; it carries whole TINs. 422 on a plan without tax forms.")
            .Produces<ErrorEnvelope>(422);
        group.MapPost("/tax/tin-matching/results", TinMatchingResults).RequireAuthorization(Scopes.TaxWrite)
            .Accepts<string>("text/plain", "application/json")
            .WithName("postTinMatchingResults").WithSummary("Read the IRS's TIN matching results")
            .WithDescription("The IRS's result file as the body (text): each line is the request line plus `;code`. 0, 6, 7, 8 mark the affiliate's W-9 matched; 1, 2, 3 make it `invalid` (payouts wait for a new form); 4, 5 and lines whose W-9 changed since are reported back in `not_processed` and change nothing.")
            .Produces<ErrorEnvelope>(422);
        return app;
    }

    private static async Task<Problem?> PlanRefusalAsync(RemitDb db, CancellationToken ct) => TaxPlans.FormsRefusal((await db.CurrentProgramAsync(ct)).Plan);

    public static async Task<Results<Ok<DataEnvelope<IReadOnlyList<TaxFormDto>>>, ApiError>> List(long id, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        if (!await db.Affiliates.AnyAsync(a => a.Id == id, ct)) return Problem.NotFound("Affiliate not found.").ToHttp();
        if (await PlanRefusalAsync(db, ct) is { } refusal) return refusal.ToHttp();
        var today = TaxForms.Today(clock);
        var forms = await TaxForms.ListAsync(db, id, ct);
        return TypedResults.Ok(new DataEnvelope<IReadOnlyList<TaxFormDto>>(forms.Select(f => TaxFormDto.Of(f, today)).ToList()));
    }

    public static async Task<Results<Created<DataEnvelope<TaxFormDto>>, ApiError>> RecordPaper(long id, HttpContext http, RemitDb db, SecretBox secrets,
        TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<PaperFormBody>(http.Request);
        if (error is not null) return await error.ToHttpAsync(() => db.Affiliates.AnyAsync(a => a.Id == id, ct), "Affiliate not found.");
        body ??= new PaperFormBody(null, null, null, null);
        var v = new Validation();
        var fields = body.Fields is { } f ? TaxFormFields.Flatten(f, v) : null;
        if (body.Fields is null) v.Add("fields", "fields is required: the form's lines.");
        var signedAt = ParseTimestamp(body.SignedAt, "signed_at", v);
        if (!v.IsValid) return await v.ToProblem().ToHttpAsync(() => db.Affiliates.AnyAsync(a => a.Id == id, ct), "Affiliate not found.");

        var input = new SignedFormInput(body.Form, fields!, body.SignerName, signedAt, TaxFormSources.Paper,
            http.Connection.RemoteIpAddress?.ToString(), http.Request.Headers.UserAgent.ToString());
        var outcome = await TaxForms.SubmitAsync(db, secrets, id, input, http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        return TypedResults.Created($"/v1/affiliates/{id}/tax-forms", new DataEnvelope<TaxFormDto>(TaxFormDto.Of(outcome.Value!, TaxForms.Today(clock))));
    }

    /// <summary>A UTC timestamp with its time and zone (2026-03-01T10:00:00Z); a date alone is refused, as a signature has a time.</summary>
    public static DateTime? ParseTimestamp(string? text, string field, Validation v)
    {
        if (text is null) return null;
        if (text.Length < 20 || text[10] != 'T' || !(text.EndsWith('Z') || text[^6] is '+' or '-')
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            v.Add(field, $"{field} must be a UTC timestamp with its time, such as 2026-03-01T10:00:00Z (a date alone is not enough).");
            return null;
        }
        return at.UtcDateTime;
    }

    public static async Task<Results<FileContentHttpResult, ApiError>> Pdf(long id, RemitDb db, SecretBox secrets, TimeProvider clock, CancellationToken ct)
    {
        var form = await db.TaxForms.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);
        if (form is null) return Problem.NotFound("Tax form not found.").ToHttp();
        if (await PlanRefusalAsync(db, ct) is { } refusal) return refusal.ToHttp();
        var program = await db.CurrentProgramAsync(ct);
        return TypedResults.File(TaxFormPdf.Render(form, program, secrets, clock), "application/pdf", TaxFormPdf.FileName(form));
    }

    public static async Task<Results<Ok<DataEnvelope<TaxSettingsDto>>, ApiError>> GetSettings(RemitDb db, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        if (TaxPlans.FormsRefusal(program.Plan) is { } refusal) return refusal.ToHttp();
        return TypedResults.Ok(new DataEnvelope<TaxSettingsDto>(TaxSettingsDto.Of(program.Tax)));
    }

    public static async Task<Results<Ok<DataEnvelope<TaxSettingsDto>>, ApiError>> PutSettings(HttpContext http, RemitDb db, SecretBox secrets, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<JsonElement>(http.Request);
        if (error is not null) return error.ToHttp();
        if (await PlanRefusalAsync(db, ct) is { } refusal) return refusal.ToHttp();
        var v = new Validation();
        var change = TaxSettingsActions.Parse(body, v);
        if (!v.IsValid) return v.ToProblem().ToHttp();
        var outcome = await TaxSettingsActions.SaveAsync(db, secrets, change!, http.Actor(), clock, ct);
        return outcome.Error?.ToHttp() ?? (Results<Ok<DataEnvelope<TaxSettingsDto>>, ApiError>)TypedResults.Ok(new DataEnvelope<TaxSettingsDto>(TaxSettingsDto.Of(outcome.Value!)));
    }

    public static async Task<Results<FileContentHttpResult, ApiError>> TinMatchingRequest(HttpContext http, RemitDb db, SecretBox secrets, CancellationToken ct)
    {
        if (await PlanRefusalAsync(db, ct) is { } refusal) return refusal.ToHttp();
        var file = await TinMatching.RequestFileAsync(db, secrets, http.Actor(), ct);
        return TypedResults.File(file, "text/plain", $"tin-matching-{db.ProgramId}.txt");
    }

    public static async Task<Results<Ok<DataEnvelope<TinMatchingResultDto>>, ApiError>> TinMatchingResults(HttpContext http, RemitDb db, SecretBox secrets,
        TimeProvider clock, CancellationToken ct)
    {
        var (text, error) = await Body.ReadTextAsync(http.Request);
        if (error is not null) return error.ToHttp();
        if (await PlanRefusalAsync(db, ct) is { } refusal) return refusal.ToHttp();
        if (string.IsNullOrWhiteSpace(text)) return Problem.Invalid("body", "The body must be the IRS's result file (text).").ToHttp();
        var summary = await TinMatching.ApplyResultsAsync(db, secrets, text, http.Actor(), clock, ct);
        return TypedResults.Ok(new DataEnvelope<TinMatchingResultDto>(new(summary.Matched, summary.Mismatched, summary.NotProcessed)));
    }
}
