using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Data;
using Remit.Security;
using Remit.Tax;

namespace Remit.Portal;

/// <summary>
/// /portal/tax-form: the affiliate picks the form that fits them (W-9, W-8BEN, W-8BEN-E), fills its lines — the
/// parts that apply to what they chose are shown (a choice that opens a part shows it on "Update form" or on a
/// refused submit), each line checked by the same rules as the API, its problem shown next to it — types their
/// name and affirms the certification; the signed form is then on file and its PDF downloadable.
/// </summary>
public sealed class TaxFormModel(RemitDb db, SecretBox secrets, TimeProvider clock) : PortalPage
{
    public TaxForm? Current { get; private set; }
    public string CurrentStatus { get; private set; } = TaxFormStatus.Missing;
    public bool Held { get; private set; }
    public TaxFormDefinition? Form { get; private set; }
    public FieldValues Values { get; private set; } = FieldValues.Empty;
    public string? SignerName { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? form, CancellationToken ct)
    {
        if (!TaxPlans.HasForms(Program.Plan)) return NotFound();
        await LoadAsync(ct);
        Form = form is not null && TaxFormKinds.All.Contains(form) ? TaxFormKinds.Definition(form) : null;
        return Page();
    }

    /// <summary>Re-shows the form with the parts that apply to what was chosen, keeping what was typed; signs nothing.</summary>
    public async Task<IActionResult> OnPostUpdateAsync(string? form, CancellationToken ct)
    {
        if (!TaxPlans.HasForms(Program.Plan)) return NotFound();
        await LoadAsync(ct);
        if (form is null || !TaxFormKinds.All.Contains(form)) return RedirectToPage();
        Form = TaxFormKinds.Definition(form);
        Values = new FieldValues(Typed(Form).Where(kv => kv.Value is { Length: > 0 }).ToDictionary(kv => kv.Key, kv => kv.Value!));
        SignerName = Request.Form["signer_name"];
        return Page();
    }

    public async Task<IActionResult> OnPostSignAsync(string? form, CancellationToken ct)
    {
        if (!TaxPlans.HasForms(Program.Plan)) return NotFound();
        if (form is null || !TaxFormKinds.All.Contains(form)) return RedirectToPage();
        var definition = TaxFormKinds.Definition(form);
        var typed = Typed(definition);
        var input = new SignedFormInput(form, typed, Request.Form["signer_name"], clock.GetUtcNow().UtcDateTime, TaxFormSources.Electronic,
            HttpContext.Connection.RemoteIpAddress?.ToString(), Request.Headers.UserAgent.ToString(),
            Affirmed: Request.Form["affirm"] == "true", CapacityAffirmed: Request.Form["capacity_affirm"] == "true");
        var outcome = await TaxForms.SubmitAsync(db, secrets, Affiliate.Id, input, Actor, clock, ct);
        if (outcome.Error is { } problem)
        {
            await LoadAsync(ct);
            Form = definition;
            Values = new FieldValues(typed.Where(kv => kv.Value is { Length: > 0 }).ToDictionary(kv => kv.Key, kv => kv.Value!));
            SignerName = Request.Form["signer_name"];
            Errors = problem.Details.Select(d => d with { Field = d.Field.StartsWith("fields.", StringComparison.Ordinal) ? d.Field["fields.".Length..] : d.Field }).ToList();
            Response.StatusCode = 422;
            return Page();
        }
        Flash = $"Your {TaxFormKinds.Label(form)} is signed and on file.";
        return RedirectToPage();
    }

    /// <summary>The affiliate's own form in force, as the signed PDF.</summary>
    public async Task<IActionResult> OnGetPdfAsync(CancellationToken ct)
    {
        if (!TaxPlans.HasForms(Program.Plan)) return NotFound();
        var form = await TaxForms.Current(db).AsNoTracking().SingleOrDefaultAsync(f => f.AffiliateId == Affiliate.Id, ct);
        if (form is null) return NotFound();
        return File(TaxFormPdf.Render(form, Program, secrets, clock), "application/pdf", TaxFormPdf.FileName(form));
    }

    private Dictionary<string, string?> Typed(TaxFormDefinition definition) =>
        definition.Fields.Where(f => Request.Form.ContainsKey(f.Key))
            .ToDictionary(f => f.Key, f => (string?)(f.Kind == FieldKind.Check ? (Request.Form[f.Key].Contains("true") ? "true" : "false") : Request.Form[f.Key].ToString()));

    private async Task LoadAsync(CancellationToken ct)
    {
        Current = await TaxForms.Current(db).AsNoTracking().SingleOrDefaultAsync(f => f.AffiliateId == Affiliate.Id, ct);
        var today = TaxForms.Today(clock);
        CurrentStatus = Current is null ? TaxFormStatus.Missing : TaxFormStatus.Of(Current.Status, Current.ExpiresAt, today);
        Held = TaxPlans.Gates(Program) && !TaxFormStatus.Counts(CurrentStatus);
    }
}
