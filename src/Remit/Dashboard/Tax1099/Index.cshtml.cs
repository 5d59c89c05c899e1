using Microsoft.AspNetCore.Mvc;
using Remit.Data;
using Remit.Security;
using Remit.Tax;
using Remit.Tax1099;

namespace Remit.Dashboard.Tax1099;

/// <summary>
/// Sidebar → 1099-NEC: a tax year's payees and their status, what is still missing before January 31, the IRIS
/// downloads and Copy B, and marking the year filed. The same Nec1099 rules and Tax1099Api file builders as the API.
/// </summary>
public sealed class IndexModel(RemitDb db, SecretBox secrets, NecThresholds thresholds, TimeProvider clock) : DashboardPage
{
    public int Year { get; private set; }
    public int ThisYear { get; private set; }
    public long ThresholdCents { get; private set; }
    public Problem? Refusal { get; private set; }
    public IReadOnlyList<NecPayee> Payees { get; private set; } = [];
    public IReadOnlyList<string> MissingPayer { get; private set; } = [];

    public int Count(string status) => Payees.Count(p => p.Status == status);
    public int CorrectionsDue => Payees.Count(p => p.CorrectionDue);
    public int OriginalsReady => Payees.Count(p => p.Status == NecStatus.Ready && !p.CorrectionDue);

    public async Task<IActionResult> OnGetAsync(int? year, CancellationToken ct)
    {
        ThisYear = Remit.Programs.ZoneCalendar.Date(clock.GetUtcNow().UtcDateTime, Remit.Programs.ZoneCalendar.Zone(Program)).Year;
        // January's work is last year's forms.
        Year = year ?? ThisYear - 1;
        ThresholdCents = thresholds.CentsFor(Year);
        Refusal = TaxPlans.Filing1099Refusal(Program.Plan) ?? Nec1099.YearRefusal(Year, Program, clock);
        if (Refusal is not null) return Page();
        Payees = await Nec1099.PayeesAsync(db, Program, thresholds, Year, TaxForms.Today(clock), ct);
        MissingPayer = Nec1099.MissingPayerFields(Program.Tax, forXml: true);
        return Page();
    }

    /// <summary>The IRIS files and Copy B carry whole TINs: admins only, like the batch files.</summary>
    public async Task<IActionResult> OnGetFileAsync(int year, string format, string? kind, CancellationToken ct)
    {
        if (!CanAct) return Forbid();
        if (format == "copy-b") return await AllCopiesAsync(year, ct);
        var file = await Tax1099Api.FileAsync(year, HttpContext, db, secrets, thresholds, clock, xml: format == "xml", ct, Actor);
        if (file.Error is { } error)
        {
            FlashError = $"No file was made: {error.Sentence()}";
            return LocalRedirect($"/tax/1099-nec/{year}");
        }
        return File(file.Value!.Bytes, file.Value.ContentType, file.Value.Name);
    }

    public async Task<IActionResult> OnGetCopyBAsync(int year, long affiliateId, CancellationToken ct)
    {
        if (!CanAct) return Forbid();
        var pdf = await Tax1099Api.CopyBAsync(year, affiliateId, db, secrets, thresholds, clock, ct);
        if (pdf.Error is { } error)
        {
            FlashError = $"No Copy B: {error.Sentence()}";
            return LocalRedirect($"/tax/1099-nec/{year}");
        }
        return File(pdf.Value!, "application/pdf", $"1099-nec-{year}-copy-b-{affiliateId}.pdf");
    }

    private async Task<IActionResult> AllCopiesAsync(int year, CancellationToken ct)
    {
        Refusal = TaxPlans.Filing1099Refusal(Program.Plan) ?? Nec1099.YearRefusal(year, Program, clock);
        if (Refusal is null)
        {
            var payees = await Nec1099.PayeesAsync(db, Program, thresholds, year, TaxForms.Today(clock), ct);
            var files = new List<TaxFile>();
            foreach (var p in payees.Where(Nec1099.HasReturn))
            {
                var pdf = await Tax1099Api.CopyBAsync(year, p.AffiliateId, db, secrets, thresholds, clock, ct);
                if (pdf.Error is { } error) { Refusal = error; break; }
                files.Add(new TaxFile($"1099-nec-{year}-copy-b-{p.AffiliateId}.pdf", "application/pdf", pdf.Value!));
            }
            if (Refusal is null && files.Count > 0)
                return File(IrisCsv.Zip(files), "application/zip", $"1099-nec-{year}-copy-b.zip");
            Refusal ??= Problem.Invalid("year", $"No payee has a 1099-NEC for {year} yet.");
        }
        FlashError = $"No Copy B: {Refusal.Sentence()}";
        return LocalRedirect($"/tax/1099-nec/{year}");
    }

    public async Task<IActionResult> OnPostFiledAsync(int year, string? receiptId, string? kind, CancellationToken ct)
    {
        var v = new Validation();
        var receipt = v.Text(receiptId, "receipt_id", 100, required: true);
        Refusal = TaxPlans.Filing1099Refusal(Program.Plan) ?? Nec1099.YearRefusal(year, Program, clock);
        if (!v.IsValid || Refusal is not null)
        {
            FlashError = $"Nothing was marked filed: {(Refusal ?? v.ToProblem()).Sentence()}";
            return LocalRedirect($"/tax/1099-nec/{year}");
        }
        var payees = await Nec1099.PayeesAsync(db, Program, thresholds, year, TaxForms.Today(clock), ct);
        var filed = await Nec1099.MarkFiledAsync(db, payees, year, receipt!, kind == Tax1099Api.Corrections, Actor, clock.GetUtcNow().UtcDateTime, ct);
        if (filed.Error is { } error) FlashError = $"Nothing was marked filed: {error.Sentence()}";
        else Flash = $"{filed.Value!.Count} return{(filed.Value.Count == 1 ? "" : "s")} marked filed under receipt {receipt}.";
        return LocalRedirect($"/tax/1099-nec/{year}");
    }
}
