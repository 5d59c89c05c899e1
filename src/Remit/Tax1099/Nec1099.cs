using Microsoft.EntityFrameworkCore;
using Remit.Data;
using Remit.Programs;
using Remit.Security;
using Remit.Tax;

namespace Remit.Tax1099;

public static class NecStatus
{
    public const string MissingForm = "missing_form", BelowThreshold = "below_threshold", Ready = "ready", Filed = "filed", Corrected = "corrected";
}

/// <summary>
/// One payee of a tax year as the list, the dashboard and the files see them. <see cref="CorrectionDue"/>: filed
/// once, and the amount changed since, so a corrected return is ready (status <c>ready</c>).
/// </summary>
public sealed record NecPayee(long AffiliateId, string Name, string? TinLast4, long AmountCents, string Status,
    bool CorrectionDue, long? FiledAmountCents, string? ReceiptId, string? AddressProblem);

/// <summary>
/// The 1099-NEC rules of product.md in one place, called by the API and the dashboard: who is listed (not W-8 payees,
/// not corporations, not payees paid only through PayPal when it is excluded), each payee's status for the year, the
/// returns the files hold, and marking them filed.
/// </summary>
public static class Nec1099
{
    /// <summary>Earliest tax year served: IRIS takes returns from tax year 2022 on.</summary>
    public const int FirstYear = 2022;

    /// <summary>A tax year that can be asked about: from <see cref="FirstYear"/> to the current year.</summary>
    public static Problem? YearRefusal(int year, AffiliateProgram program, TimeProvider clock)
    {
        var thisYear = ZoneCalendar.Date(clock.GetUtcNow().UtcDateTime, ZoneCalendar.Zone(program)).Year;
        return year < FirstYear || year > thisYear
            ? Problem.Invalid("year", $"year must be a tax year from {FirstYear} to {thisYear}.")
            : null;
    }

    /// <summary>W-9 classifications that are corporations (C or S, or an LLC taxed as one): no 1099-NEC.</summary>
    public static bool IsCorporation(FieldValues w9) =>
        w9.Is("tax_classification", "c_corporation") || w9.Is("tax_classification", "s_corporation")
        || (w9.Is("tax_classification", "llc") && (w9.Is("llc_classification", "c") || w9.Is("llc_classification", "s")));

    public static async Task<List<NecPayee>> PayeesAsync(RemitDb db, AffiliateProgram program, NecThresholds thresholds, int year,
        DateOnly today, CancellationToken ct)
    {
        var amounts = await NecAmountsQuery.ComputeAsync(db, year, program.Tax.IncludePayPalIn1099, ct);
        var ids = amounts.Select(a => a.AffiliateId).ToList();
        var forms = await TaxForms.Current(db).Where(f => ids.Contains(f.AffiliateId))
            .Select(f => new { f.AffiliateId, f.Kind, f.Status, f.ExpiresAt, f.Fields, f.TinLast4 })
            .ToDictionaryAsync(f => f.AffiliateId, ct);
        var names = await db.Affiliates.Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Name, ct);
        var filings = (await db.NecFilings.Where(f => f.TaxYear == year && ids.Contains(f.AffiliateId)).ToListAsync(ct))
            .GroupBy(f => f.AffiliateId).ToDictionary(g => g.Key, g => g.MaxBy(f => f.Sequence)!);

        var payees = new List<NecPayee>();
        foreach (var a in amounts)
        {
            var form = forms.GetValueOrDefault(a.AffiliateId);
            // A foreign payee (W-8 on file) gets no 1099.
            if (form is not null && form.Kind != TaxFormKinds.W9) continue;
            var w9 = form is null ? null : new FieldValues(System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(form.Fields) ?? []);
            if (w9 is not null && IsCorporation(w9)) continue;

            var amount = (long)Math.Max(0m, a.NetCents);
            var filed = filings.GetValueOrDefault(a.AffiliateId);
            var formValid = form is not null && TaxFormStatus.Counts(TaxFormStatus.Of(form.Status, form.ExpiresAt, today));
            var status = filed is not null
                ? filed.AmountCents == amount ? (filed.Corrected ? NecStatus.Corrected : NecStatus.Filed) : NecStatus.Ready
                : !thresholds.Reaches(year, amount) ? NecStatus.BelowThreshold
                : formValid ? NecStatus.Ready
                : NecStatus.MissingForm;
            var addressProblem = w9 is not null && !UsCityStateZip.TryParse(w9["city_state_zip"], out _, out _, out _)
                ? "W-9 line 6 does not read as \"City, ST 12345\"" : null;
            payees.Add(new NecPayee(a.AffiliateId, w9?["name"] ?? names.GetValueOrDefault(a.AffiliateId, ""), form?.TinLast4, amount, status,
                filed is not null && filed.AmountCents != amount, filed?.AmountCents, filed?.ReceiptId, addressProblem));
        }
        return payees;
    }

    /// <summary>The payer fields a file needs that the settings lack, by their API names (the XML also needs the TCC).</summary>
    public static IReadOnlyList<string> MissingPayerFields(TaxSettings tax, bool forXml)
    {
        var missing = tax.MissingForFiling().ToList();
        if (tax.ContactEmail is null) missing.Add("contact_email");
        if (forXml && tax.IrisTcc is null) missing.Add("iris_tcc");
        return missing;
    }

    public static Problem PayerIncomplete(IReadOnlyList<string> missing) => Problem.Invalid(
        $"The payer settings are incomplete ({string.Join(", ", missing)}): set them with PUT /v1/settings/tax before making 1099 files.",
        missing.Select(f => new ErrorDetail(f, $"{f} is required for 1099 files.")).ToList());

    public static NecPayer Payer(TaxSettings tax, SecretBox secrets) => new(
        tax.PayerName!, secrets.Decrypt(tax.PayerTinSecret!),
        new UsAddress(tax.PayerAddressLine1!, tax.PayerAddressLine2, tax.PayerCity!, tax.PayerState!, tax.PayerZip!),
        new string(tax.PayerPhone!.Where(char.IsAsciiDigit).ToArray()), tax.ContactEmail ?? "", tax.IrisTcc ?? "");

    /// <summary>
    /// The returns the year's files hold: the ready originals, or (<paramref name="corrections"/>) the corrected
    /// returns due. Each with the whole TIN and address from the W-9 (the files' purpose is to carry them).
    /// </summary>
    public static async Task<Outcome<List<NecReturn>>> ReturnsAsync(RemitDb db, SecretBox secrets, IReadOnlyList<NecPayee> payees,
        bool corrections, CancellationToken ct)
    {
        var due = payees.Where(p => p.Status == NecStatus.Ready && p.CorrectionDue == corrections).ToList();
        var unreadable = due.Where(p => p.AddressProblem is not null).ToList();
        if (unreadable.Count > 0)
            return Problem.Invalid($"Some payees' W-9 addresses cannot be filed as typed; ask them for a new W-9.",
                unreadable.Select(p => new ErrorDetail($"affiliates.{p.AffiliateId}", p.AddressProblem!)).ToList());
        var ids = due.Select(p => p.AffiliateId).ToList();
        var forms = await TaxForms.Current(db).AsNoTracking().Where(f => ids.Contains(f.AffiliateId)).ToDictionaryAsync(f => f.AffiliateId, ct);
        var returns = new List<NecReturn>();
        var formless = due.Where(p => !forms.ContainsKey(p.AffiliateId)).ToList();
        if (formless.Count > 0)
            return Problem.Invalid("Some payees have no W-9 on file any more.",
                formless.Select(p => new ErrorDetail($"affiliates.{p.AffiliateId}", "No W-9 on file.")).ToList());
        foreach (var p in due)
        {
            var form = forms[p.AffiliateId];
            var fields = TaxForms.Open(form, secrets);
            UsCityStateZip.TryParse(fields["city_state_zip"], out var city, out var state, out var zip);
            var tinType = fields["tin_type"] switch { "ein" => NecTinType.Ein, "itin" => NecTinType.Itin, _ => NecTinType.Ssn };
            var recipient = new NecRecipient(p.AffiliateId, fields["name"] ?? p.Name, fields["business_name"], tinType,
                fields["tin"]!, new UsAddress(fields["address"] ?? "", null, city, state, zip));
            returns.Add(new NecReturn(recipient, p.AmountCents, corrections ? new NecCorrection(p.ReceiptId!) : null));
        }
        return Outcome<List<NecReturn>>.Ok(returns);
    }

    /// <summary>Whether the payee has a return for the year (and so a Copy B): ready, filed or corrected, with a fileable address.</summary>
    public static bool HasReturn(NecPayee p) => p.Status is NecStatus.Ready or NecStatus.Filed or NecStatus.Corrected && p.AddressProblem is null;

    /// <summary>The return a payee's Copy B shows: their filed or ready return (corrected when a correction is due or filed).</summary>
    public static async Task<NecReturn?> CopyBAsync(RemitDb db, SecretBox secrets, IReadOnlyList<NecPayee> payees, long affiliateId, CancellationToken ct)
    {
        var payee = payees.FirstOrDefault(p => p.AffiliateId == affiliateId && HasReturn(p));
        if (payee is null) return null;
        var single = payee with { Status = NecStatus.Ready, CorrectionDue = payee.Status == NecStatus.Corrected || payee.CorrectionDue };
        var outcome = await ReturnsAsync(db, secrets, [single], single.CorrectionDue, ct);
        return outcome.Value?.SingleOrDefault();
    }

    /// <summary>
    /// Records the ready returns of one kind as filed under the IRS receipt id, in one transaction; a racing request
    /// that recorded them first makes this one a 409 (the unique sequence per payee and year), and nothing is doubled.
    /// </summary>
    public static async Task<Outcome<List<long>>> MarkFiledAsync(RemitDb db, IReadOnlyList<NecPayee> payees, int year, string receiptId,
        bool corrections, Audit.Actor actor, DateTime now, CancellationToken ct)
    {
        var due = payees.Where(p => p.Status == NecStatus.Ready && p.CorrectionDue == corrections).ToList();
        if (due.Count == 0)
            return Problem.Invalid("receipt_id", corrections ? $"No corrected return is due for {year}." : $"No 1099-NEC is ready to file for {year}.");
        var ids = due.Select(p => p.AffiliateId).ToList();
        var sequences = await db.NecFilings.Where(f => f.TaxYear == year && ids.Contains(f.AffiliateId))
            .GroupBy(f => f.AffiliateId).Select(g => new { AffiliateId = g.Key, Last = g.Max(f => f.Sequence) })
            .ToDictionaryAsync(g => g.AffiliateId, g => g.Last, ct);
        foreach (var p in due)
            db.Add(new NecFiling
            {
                ProgramId = db.ProgramId, TaxYear = year, AffiliateId = p.AffiliateId, Sequence = sequences.GetValueOrDefault(p.AffiliateId) + 1,
                AmountCents = p.AmountCents, ReceiptId = receiptId, FiledAt = now,
            });
        db.AuditEvents.Add(actor.Record(db.ProgramId, "tax.1099_filed", "program", db.ProgramId, now,
            notes: $"{year} {(corrections ? "corrections" : "originals")}: receipt {receiptId}, {due.Count} returns"));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            return Problem.InvalidStatus($"These returns for {year} were marked filed by another request meanwhile; nothing was recorded twice.");
        }
        return Outcome<List<long>>.Ok(ids);
    }
}
