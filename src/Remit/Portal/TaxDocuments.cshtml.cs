using Microsoft.AspNetCore.Mvc;
using Remit.Data;
using Remit.Security;
using Remit.Tax;
using Remit.Tax1099;

namespace Remit.Portal;

/// <summary>
/// The affiliate's 1099-NEC recipient statements (Copy B), one per finished tax year in which they have a return.
/// Only the signed-in affiliate's own: the page and the download ask for the session's affiliate id, never one from
/// the address. The year still running has no statement: its amount is not final.
/// </summary>
public sealed class TaxDocumentsModel(RemitDb db, SecretBox secrets, NecThresholds thresholds, TimeProvider clock) : PortalPage
{
    public IReadOnlyList<NecPayee> Years { get; private set; } = [];
    public IReadOnlyList<int> YearNumbers { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!TaxPlans.Has1099(Program.Plan)) return;
        var years = new List<NecPayee>();
        var numbers = new List<int>();
        foreach (var year in FinishedYears())
        {
            var payee = (await Nec1099.PayeesAsync(db, Program, thresholds, year, TaxForms.Today(clock), ct))
                .FirstOrDefault(p => p.AffiliateId == Affiliate.Id && Nec1099.HasReturn(p));
            if (payee is null) continue;
            years.Add(payee);
            numbers.Add(year);
        }
        Years = years;
        YearNumbers = numbers;
    }

    public async Task<IActionResult> OnGetCopyBAsync(int year, CancellationToken ct)
    {
        if (!FinishedYears().Contains(year)) return NotFound();
        var pdf = await Tax1099Api.CopyBAsync(year, Affiliate.Id, db, secrets, thresholds, clock, ct);
        if (pdf.Error is not null) return NotFound();
        return File(pdf.Value!, "application/pdf", $"1099-nec-{year}-copy-b.pdf");
    }

    private IEnumerable<int> FinishedYears()
    {
        var thisYear = Remit.Programs.ZoneCalendar.Date(clock.GetUtcNow().UtcDateTime, Remit.Programs.ZoneCalendar.Zone(Program)).Year;
        for (var year = thisYear - 1; year >= Nec1099.FirstYear; year--) yield return year;
    }
}
