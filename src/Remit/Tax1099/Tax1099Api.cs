using Microsoft.AspNetCore.Http.HttpResults;
using Remit.Api;
using Remit.Data;
using Remit.Programs;
using Remit.Security;
using Remit.Tax;

namespace Remit.Tax1099;

public sealed record NecPayeeDto(long AffiliateId, string Name, string? TinLast4, decimal Amount, string Status, bool CorrectionDue,
    decimal? FiledAmount, string? ReceiptId)
{
    public static NecPayeeDto Of(NecPayee p) => new(p.AffiliateId, p.Name, p.TinLast4, Money.ToDecimal(p.AmountCents, "USD"), p.Status,
        p.CorrectionDue, p.FiledAmountCents is { } f ? Money.ToDecimal(f, "USD") : null, p.ReceiptId);
}

public sealed record NecMeta(int Page, int PerPage, long Total, long TotalPages, int Year, decimal Threshold, string Currency);

public sealed record NecListEnvelope(IReadOnlyList<NecPayeeDto> Data, NecMeta Meta);

/// <summary>POST .../filed: the IRS receipt id, and which transmission it acknowledged (the originals by default).</summary>
public sealed record NecFiledBody(string? ReceiptId, string? Kind);

public sealed record NecFiledDto(int Year, string ReceiptId, string Kind, IReadOnlyList<long> AffiliateIds);

/// <summary>GET/POST /v1/tax/1099-nec/{year}...: the year's payees, the IRIS files, Copy B and marking a year filed (custom plan).</summary>
public static class Tax1099Api
{
    public const string Original = "original", Corrections = "corrections";

    private static readonly QueryParameter[] KindParameter =
        [new("kind", "`original` (default): the ready returns; `corrections`: the corrected returns due.", Values: [Original, Corrections])];

    public static IEndpointRouteBuilder MapTax1099(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1/tax/1099-nec", "Tax");
        group.MapGet("/{year:int}", List).RequireAuthorization(Scopes.TaxRead).WithQuery(QueryDocs.Paging)
            .WithName("list1099NecPayees").WithSummary("The year's 1099-NEC payees")
            .WithDescription("US payees paid in the tax year (completed payouts by completion date in the program's time zone, less returns in the year of their return date; PayPal payouts only with `include_paypal_in_1099`), paged: `affiliate_id`, `name`, `tin_last4`, `amount`, `status` (`missing_form`, `below_threshold`, `ready`, `filed`, `corrected`), `correction_due` (filed, and the amount changed since: a corrected return is ready), `filed_amount`, `receipt_id`. W-8 payees, corporations and payees paid only through excluded PayPal are not listed. `meta.threshold` is the year's threshold. 422 on a plan other than custom.")
            .Produces<ErrorEnvelope>(422);
        group.MapGet("/{year:int}/iris.csv", Csv).RequireAuthorization(Scopes.TaxRead).WithQuery(KindParameter)
            .Produces(200, contentType: "text/csv").Produces(200, contentType: "application/zip")
            .WithName("get1099NecIrisCsv").WithSummary("IRIS Taxpayer Portal CSV")
            .WithDescription("The ready returns in the IRS's 1099-NEC CSV template for the IRIS Taxpayer Portal upload, at most 100 a file: one CSV, or a zip of numbered files when there are more. `kind=corrections` gives the corrected returns due instead. Carries whole TINs. 422 naming the payer settings that are missing.")
            .Produces<ErrorEnvelope>(422);
        group.MapGet("/{year:int}/iris.xml", Xml).RequireAuthorization(Scopes.TaxRead).WithQuery(KindParameter)
            .Produces(200, contentType: "application/xml")
            .WithName("get1099NecIrisXml").WithSummary("IRIS A2A XML transmission")
            .WithDescription("The ready returns as one IRIS A2A transmission (Publication 5718, namespace `urn:us:gov:treasury:irs:ir`): manifest with the payer's IRIS TCC, one submission, a Form1099NECDetail per recipient. `kind=corrections` gives the corrections transmission (TransmissionTypeCd C). Carries whole TINs. 422 naming the payer settings that are missing (the TCC included).")
            .Produces<ErrorEnvelope>(422);
        group.MapGet("/{year:int}/copy-b/{affiliateId:long}", CopyB).RequireAuthorization(Scopes.TaxRead)
            .Produces(200, contentType: "application/pdf")
            .WithName("get1099NecCopyB").WithSummary("Copy B (recipient statement) as PDF")
            .WithDescription("The payee's Form 1099-NEC Copy B for the year, the TIN masked but for the last four. 404 for a payee with no return (not listed, below the threshold, or without a valid W-9).")
            .Produces<ErrorEnvelope>(404).Produces<ErrorEnvelope>(422);
        group.MapPost("/{year:int}/filed", Filed).RequireAuthorization(Scopes.TaxWrite).Accepts<NecFiledBody>("application/json")
            .WithName("mark1099NecFiled").WithSummary("Mark the year's returns filed")
            .WithDescription("`receipt_id` (the IRS's receipt id for the transmission) marks the ready returns filed; `kind: corrections` marks the corrected returns instead. A payee whose amount changes afterwards shows `correction_due` and goes in the corrections files.")
            .Produces<ErrorEnvelope>(409).Produces<ErrorEnvelope>(422);
        return app;
    }

    private static async Task<Outcome<(AffiliateProgram Program, List<NecPayee> Payees)>> YearAsync(int year, RemitDb db, NecThresholds thresholds,
        TimeProvider clock, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        if (TaxPlans.Filing1099Refusal(program.Plan) is { } plan) return plan;
        if (Nec1099.YearRefusal(year, program, clock) is { } wrongYear) return wrongYear;
        var payees = await Nec1099.PayeesAsync(db, program, thresholds, year, TaxForms.Today(clock), ct);
        return Outcome<(AffiliateProgram, List<NecPayee>)>.Ok((program, payees));
    }

    private static bool? Kind(HttpRequest request, Validation v)
    {
        var kind = request.Query["kind"].ToString();
        if (kind is "" or Original) return false;
        if (kind == Corrections) return true;
        v.Add("kind", $"kind must be {Original} or {Corrections}.");
        return null;
    }

    public static async Task<Results<Ok<NecListEnvelope>, ApiError>> List(int year, HttpContext http, RemitDb db, NecThresholds thresholds,
        TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var paging = Paging.Parse(http.Request, v);
        if (!v.IsValid) return v.ToProblem().ToHttp();
        var outcome = await YearAsync(year, db, thresholds, clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        var payees = outcome.Value.Payees;
        var total = payees.Count;
        var totalPages = (total + paging.PerPage - 1) / paging.PerPage;
        var page = payees.Skip((paging.Page - 1) * paging.PerPage).Take(paging.PerPage).Select(NecPayeeDto.Of).ToList();
        return TypedResults.Ok(new NecListEnvelope(page, new NecMeta(paging.Page, paging.PerPage, total, totalPages, year,
            Money.ToDecimal(thresholds.CentsFor(year), "USD"), "USD")));
    }

    public static async Task<Results<FileContentHttpResult, ApiError>> Csv(int year, HttpContext http, RemitDb db, SecretBox secrets,
        NecThresholds thresholds, TimeProvider clock, CancellationToken ct)
    {
        var file = await FileAsync(year, http, db, secrets, thresholds, clock, xml: false, ct);
        return file.Error is not null ? file.Error.ToHttp() : TypedResults.File(file.Value!.Bytes, file.Value.ContentType, file.Value.Name);
    }

    public static async Task<Results<FileContentHttpResult, ApiError>> Xml(int year, HttpContext http, RemitDb db, SecretBox secrets,
        NecThresholds thresholds, TimeProvider clock, CancellationToken ct)
    {
        var file = await FileAsync(year, http, db, secrets, thresholds, clock, xml: true, ct);
        return file.Error is not null ? file.Error.ToHttp() : TypedResults.File(file.Value!.Bytes, file.Value.ContentType, file.Value.Name);
    }

    /// <summary>The year's IRIS file (the dashboard's downloads call this too). Downloading it is audited: it carries TINs.</summary>
    public static async Task<Outcome<TaxFile>> FileAsync(int year, HttpContext http, RemitDb db, SecretBox secrets, NecThresholds thresholds,
        TimeProvider clock, bool xml, CancellationToken ct, Audit.Actor? actor = null)
    {
        var v = new Validation();
        var corrections = Kind(http.Request, v);
        if (!v.IsValid) return v.ToProblem();
        var outcome = await YearAsync(year, db, thresholds, clock, ct);
        if (outcome.Error is not null) return outcome.Error;
        var (program, payees) = outcome.Value;
        var missing = Nec1099.MissingPayerFields(program.Tax, xml);
        if (missing.Count > 0) return Nec1099.PayerIncomplete(missing);
        var returns = await Nec1099.ReturnsAsync(db, secrets, payees, corrections!.Value, ct);
        if (returns.Error is not null) return returns.Error;
        if (returns.Value!.Count == 0)
            return Problem.Invalid("year", corrections.Value ? $"No corrected return is due for {year}." : $"No 1099-NEC is ready to file for {year}.");

        var payer = Nec1099.Payer(program.Tax, secrets);
        TaxFile file;
        if (xml)
        {
            var name = corrections.Value ? $"iris-1099-nec-{year}-corrected.xml" : $"iris-1099-nec-{year}.xml";
            file = new TaxFile(name, "application/xml", IrisXml.Write(year, payer, returns.Value, Guid.NewGuid()));
        }
        else
        {
            var files = IrisCsv.Files(year, payer, returns.Value);
            file = files.Count == 1 ? files[0]
                : new TaxFile(corrections.Value ? $"iris-1099-nec-{year}-corrected.zip" : $"iris-1099-nec-{year}.zip", "application/zip", IrisCsv.Zip(files));
        }
        db.AuditEvents.Add((actor ?? http.Actor()).Record(program.Id, "tax.1099_file_downloaded", "program", program.Id,
            clock.GetUtcNow().UtcDateTime, notes: file.Name));
        await db.SaveChangesAsync(ct);
        return Outcome<TaxFile>.Ok(file);
    }

    public static async Task<Results<FileContentHttpResult, ApiError>> CopyB(int year, long affiliateId, RemitDb db, SecretBox secrets,
        NecThresholds thresholds, TimeProvider clock, CancellationToken ct)
    {
        var pdf = await CopyBAsync(year, affiliateId, db, secrets, thresholds, clock, ct);
        return pdf.Error is not null ? pdf.Error.ToHttp() : TypedResults.File(pdf.Value!, "application/pdf", $"1099-nec-{year}-copy-b-{affiliateId}.pdf");
    }

    /// <summary>A payee's Copy B as PDF bytes (API, dashboard and portal).</summary>
    public static async Task<Outcome<byte[]>> CopyBAsync(int year, long affiliateId, RemitDb db, SecretBox secrets, NecThresholds thresholds,
        TimeProvider clock, CancellationToken ct)
    {
        var outcome = await YearAsync(year, db, thresholds, clock, ct);
        if (outcome.Error is not null) return outcome.Error;
        var (program, payees) = outcome.Value;
        var missing = Nec1099.MissingPayerFields(program.Tax, forXml: false);
        if (missing.Count > 0) return Nec1099.PayerIncomplete(missing);
        var form = await Nec1099.CopyBAsync(db, secrets, payees, affiliateId, ct);
        if (form is null) return Problem.NotFound($"No 1099-NEC for affiliate {affiliateId} in {year}.");
        using var output = new MemoryStream();
        CopyBPdf.Write(year, Nec1099.Payer(program.Tax, secrets), form, output);
        return Outcome<byte[]>.Ok(output.ToArray());
    }

    public static async Task<Results<Ok<DataEnvelope<NecFiledDto>>, ApiError>> Filed(int year, HttpContext http, RemitDb db,
        NecThresholds thresholds, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<NecFiledBody>(http.Request);
        if (error is not null) return error.ToHttp();
        var v = new Validation();
        var receipt = v.Text(body?.ReceiptId, "receipt_id", 100, required: true);
        var kind = body?.Kind ?? Original;
        if (kind is not (Original or Corrections)) v.Add("kind", $"kind must be {Original} or {Corrections}.");
        if (!v.IsValid) return v.ToProblem().ToHttp();
        var outcome = await YearAsync(year, db, thresholds, clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        var filed = await Nec1099.MarkFiledAsync(db, outcome.Value.Payees, year, receipt!, kind == Corrections, http.Actor(), clock.GetUtcNow().UtcDateTime, ct);
        if (filed.Error is not null) return filed.Error.ToHttp();
        return TypedResults.Ok(new DataEnvelope<NecFiledDto>(new NecFiledDto(year, receipt!, kind, filed.Value!)));
    }
}
