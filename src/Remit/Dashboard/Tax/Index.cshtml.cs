using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;
using Remit.Security;
using Remit.Tax;

namespace Remit.Dashboard.Tax;

public sealed record TaxRow(long AffiliateId, string Name, string Status, long? FormId, string? Form, string? TinMasked, DateOnly? ExpiresAt, string? TinMatch);

/// <summary>
/// Sidebar → Tax forms: how many affiliates are in each form status (on file, missing, expiring, expired, invalid), one
/// page of the chosen group with the signed PDF, and bulk TIN matching (download the IRS request file, upload its
/// result file). Plans without forms: 404. Counted and paged by the database: a program of 100,000 affiliates loads 25.
/// </summary>
public sealed class IndexModel(RemitDb db, SecretBox secrets, TimeProvider clock) : DashboardPage
{
    /// <summary>The page's tabs: which statuses each shows, the first (what needs the merchant) by default.</summary>
    public static readonly IReadOnlyList<(string Key, string Title, string[] Statuses)> Groups =
    [
        ("needed", "Missing or not valid", [TaxFormStatus.Missing, TaxFormStatus.Invalid, TaxFormStatus.Expired]),
        ("expiring", "Expiring within 90 days", [TaxFormStatus.Expiring]),
        ("valid", "On file", [TaxFormStatus.Valid]),
    ];

    public IReadOnlyDictionary<string, long> Counts { get; private set; } = new Dictionary<string, long>();
    public string Show { get; private set; } = Groups[0].Key;
    public ListEnvelope<TaxRow> Table { get; private set; } = null!;
    public TinMatchSummary? Results { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? show, CancellationToken ct)
    {
        if (!TaxPlans.HasForms(Program.Plan)) return NotFound();
        if (show is not null && Groups.All(g => g.Key != show)) return NotFound();
        await LoadAsync(show, ct);
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
            await LoadAsync(null, ct);
            return Page();
        }
        using var reader = new StreamReader(file.OpenReadStream());
        Results = await TinMatching.ApplyResultsAsync(db, secrets, await reader.ReadToEndAsync(ct), Actor, clock, ct);
        await LoadAsync(null, ct);
        return Page();
    }

    private async Task LoadAsync(string? show, CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(Request, v);
        if (!v.IsValid) paging = new Paging(1, 25);
        var today = TaxForms.Today(clock);
        var all = TaxForms.WithStatus(db, db.Affiliates.AsNoTracking(), Program.Plan, today);
        Counts = await all.GroupBy(s => s.Status).Select(g => new { g.Key, Count = g.LongCount() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        Show = show ?? Groups[0].Key;
        var statuses = Groups.Single(g => g.Key == Show).Statuses;
        var page = await paging.ApplyAsync(
            all.Where(s => statuses.Contains(s.Status)).OrderBy(s => s.Affiliate.Name).ThenBy(s => s.Affiliate.Id)
                .Select(s => new { s.Affiliate.Id, s.Affiliate.Name, s.Status }),
            r => r, HttpContext, ct);
        // The forms of this page's affiliates only.
        var ids = page.Data.Select(r => r.Id).ToList();
        var forms = await TaxForms.Current(db).AsNoTracking().Where(f => ids.Contains(f.AffiliateId)).ToDictionaryAsync(f => f.AffiliateId, ct);
        Table = new ListEnvelope<TaxRow>(page.Data.Select(a =>
        {
            var f = forms.GetValueOrDefault(a.Id);
            return new TaxRow(a.Id, a.Name, a.Status, f?.Id, f is null ? null : TaxFormKinds.Label(f.Kind),
                f?.TinLast4 is { } l4 ? Tin.Mask(f.TinType, l4) : null, f?.ExpiresAt, f?.TinMatch);
        }).ToList(), page.Meta);
    }
}
