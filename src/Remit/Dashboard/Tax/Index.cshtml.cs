using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Affiliates;
using Remit.Data;
using Remit.Security;
using Remit.Tax;

namespace Remit.Dashboard.Tax;

public sealed record TaxRow(long AffiliateId, string Name, string Status, long? FormId, string? Form, string? TinMasked, DateOnly? ExpiresAt, string? TinMatch);

/// <summary>
/// Sidebar → Tax forms: every affiliate's form status (on file, missing, expiring, expired, invalid) with the signed
/// PDF, and bulk TIN matching (download the IRS request file, upload its result file). Plans without forms: 404.
/// </summary>
public sealed class IndexModel(RemitDb db, SecretBox secrets, TimeProvider clock) : DashboardPage
{
    public IReadOnlyList<TaxRow> Rows { get; private set; } = [];
    public TinMatchSummary? Results { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!TaxPlans.HasForms(Program.Plan)) return NotFound();
        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnGetPdfAsync(long id, CancellationToken ct)
    {
        if (!TaxPlans.HasForms(Program.Plan)) return NotFound();
        var form = await db.TaxForms.AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);
        return form is null ? NotFound() : File(TaxFormPdf.Render(form, Program, secrets, clock), "application/pdf", TaxFormPdf.FileName(form));
    }

    public async Task<IActionResult> OnGetTinMatchingAsync(CancellationToken ct)
    {
        if (!TaxPlans.HasForms(Program.Plan)) return NotFound();
        return File(await TinMatching.RequestFileAsync(db, secrets, Actor, ct), "text/plain", $"tin-matching-{Program.Id}.txt");
    }

    public async Task<IActionResult> OnPostTinResultsAsync(IFormFile? file, CancellationToken ct)
    {
        if (!TaxPlans.HasForms(Program.Plan)) return NotFound();
        if (!CanAct) return Forbid();
        if (file is null || file.Length == 0 || file.Length > Api.Body.MaxBytes)
        {
            Errors = [new("file", "Choose the IRS's result file (text, at most 1 MB).")];
            await LoadAsync(ct);
            return Page();
        }
        using var reader = new StreamReader(file.OpenReadStream());
        Results = await TinMatching.ApplyResultsAsync(db, secrets, await reader.ReadToEndAsync(ct), Actor, clock, ct);
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var today = TaxForms.Today(clock);
        var affiliates = await AffiliatesApi.WithBalances(db, db.Affiliates.AsNoTracking().OrderBy(a => a.Name).ThenBy(a => a.Id), Program, clock.GetUtcNow().UtcDateTime)
            .Select(r => new { r.Affiliate.Id, r.Affiliate.Name, r.TaxFormStatus }).ToListAsync(ct);
        var forms = await TaxForms.Current(db).AsNoTracking().ToDictionaryAsync(f => f.AffiliateId, ct);
        Rows = affiliates.Select(a =>
        {
            var f = forms.GetValueOrDefault(a.Id);
            return new TaxRow(a.Id, a.Name, a.TaxFormStatus, f?.Id, f is null ? null : TaxFormKinds.Label(f.Kind),
                f?.TinLast4 is { } l4 ? Tin.Mask(f.TinType, l4) : null, f?.ExpiresAt, f?.TinMatch);
        }).ToList();
        _ = today;
    }
}
