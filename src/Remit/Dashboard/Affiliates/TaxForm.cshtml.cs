using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Remit.Affiliates;
using Remit.Data;
using Remit.Security;
using Remit.Tax;

namespace Remit.Dashboard.Affiliates;

/// <summary>
/// An affiliate's tax forms, and recording one the merchant received signed on paper: the same
/// <see cref="TaxForms.SubmitAsync"/> as POST /v1/affiliates/{id}/tax-forms (every line checked as in the portal,
/// the form in force superseded). The lines that apply to the choices made are shown ("Update form"); a refused
/// submit shows each problem next to its line and keeps what was typed — except the identifying numbers (TINs,
/// date of birth), which are never sent back to the browser. Plans without forms: 404.
/// </summary>
public sealed class TaxFormModel(RemitDb db, SecretBox secrets, TimeProvider clock) : DashboardPage
{
    public AffiliateDto Affiliate { get; private set; } = null!;
    public IReadOnlyList<TaxForm> Forms { get; private set; } = [];
    public string CurrentStatus { get; private set; } = TaxFormStatus.Missing;
    public TaxFormDefinition? Form { get; private set; }
    public FieldValues Values { get; private set; } = FieldValues.Empty;
    public string? SignerName { get; private set; }
    public string? SignedAt { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, string? form, CancellationToken ct)
    {
        if (!TaxPlans.HasForms(Program.Plan) || !await LoadAsync(id, ct)) return NotFound();
        Form = form is not null && TaxFormKinds.All.Contains(form) ? TaxFormKinds.Definition(form) : null;
        return Page();
    }

    /// <summary>Shows the lines the choices open, keeping what was typed (but the identifying numbers); records nothing.</summary>
    public async Task<IActionResult> OnPostUpdateAsync(long id, string? form, CancellationToken ct)
    {
        if (!TaxPlans.HasForms(Program.Plan) || !await LoadAsync(id, ct)) return NotFound();
        if (form is null || !TaxFormKinds.All.Contains(form)) return LocalRedirect($"/affiliates/{id}/tax-form");
        Form = TaxFormKinds.Definition(form);
        KeepTyped(Form);
        return Page();
    }

    public async Task<IActionResult> OnPostRecordAsync(long id, string? form, CancellationToken ct)
    {
        if (!TaxPlans.HasForms(Program.Plan)) return NotFound();
        if (form is null || !TaxFormKinds.All.Contains(form)) return LocalRedirect($"/affiliates/{id}/tax-form");
        var definition = TaxFormKinds.Definition(form);
        var signedAt = ParseSignedAt(Request.Form["signed_at"]);
        var input = new SignedFormInput(form, Typed(definition), Request.Form["signer_name"], signedAt, TaxFormSources.Paper,
            HttpContext.Connection.RemoteIpAddress?.ToString(), Request.Headers.UserAgent.ToString());
        var outcome = await TaxForms.SubmitAsync(db, secrets, id, input, Actor, clock, ct);
        if (outcome.Error is { Kind: ProblemKind.NotFound }) return NotFound();
        if (outcome.Error is { } problem)
        {
            await LoadAsync(id, ct);
            Form = definition;
            KeepTyped(definition);
            var errors = problem.FieldErrors("form").Select(d => d with { Field = d.Field.StartsWith("fields.", StringComparison.Ordinal) ? d.Field["fields.".Length..] : d.Field }).ToList();
            if (signedAt is null && !string.IsNullOrEmpty(Request.Form["signed_at"].ToString()))
            {
                // Something was typed that is no date and time: say that, rather than the domain's "required".
                errors.RemoveAll(e => e.Field == "signed_at");
                errors.Add(new("signed_at", "signed_at must be a date and time such as 2026-03-01T10:00 (UTC)."));
            }
            Errors = errors;
            Response.StatusCode = problem.Status();
            return Page();
        }
        Flash = $"{TaxFormKinds.Label(form)} recorded for {outcome.Value!.SignerName}: on file as signed on paper.";
        return LocalRedirect($"/affiliates/{id}/tax-form");
    }

    /// <summary>The browser's datetime-local value, read as UTC (the page says so).</summary>
    private static DateTime? ParseSignedAt(string? text) =>
        DateTime.TryParseExact(text, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    private Dictionary<string, string?> Typed(TaxFormDefinition definition) =>
        definition.Fields.Where(f => Request.Form.ContainsKey(f.Key))
            .ToDictionary(f => f.Key, f => (string?)(f.Kind == FieldKind.Check ? (Request.Form[f.Key].Contains("true") ? "true" : "false") : Request.Form[f.Key].ToString()));

    /// <summary>What was typed, to show again; never a secret line (a TIN, a foreign TIN, a date of birth).</summary>
    private void KeepTyped(TaxFormDefinition definition)
    {
        var secret = definition.Fields.Where(f => f.Secret).Select(f => f.Key).ToHashSet();
        Values = new FieldValues(Typed(definition).Where(kv => kv.Value is { Length: > 0 } && !secret.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value!));
        SignerName = Request.Form["signer_name"];
        SignedAt = Request.Form["signed_at"];
    }

    private async Task<bool> LoadAsync(long id, CancellationToken ct)
    {
        if (await AffiliatesApi.FindAsync(db, id, clock, ct) is not { } affiliate) return false;
        Affiliate = affiliate;
        Forms = await TaxForms.ListAsync(db, id, ct);
        CurrentStatus = affiliate.TaxFormStatus;
        return true;
    }
}
