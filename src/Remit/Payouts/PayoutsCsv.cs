using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;

namespace Remit.Payouts;

/// <summary>
/// GET /v1/payouts/export: the list's filters as an RFC 4180 file, streamed row by row from the database cursor to
/// the response, so memory stays flat however many payouts match.
/// </summary>
public static class PayoutsCsv
{
    public static readonly string[] Columns =
    [
        "id", "affiliate_id", "affiliate_name", "affiliate_email", "amount", "currency", "method", "status", "reference",
        "notes", "failure_reason", "source", "created_at", "processing_at", "completed_at", "failed_at",
    ];

    public static async Task<Results<EmptyHttpResult, ApiError>> Export(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var query = PayoutQuery.Parse(http.Request, v);
        if (await query.CheckIdsAsync(db, ct) is { } notFound) return notFound.ToHttp();
        if (!v.IsValid) return v.ToProblem().ToHttp();
        await WriteResponseAsync(http, db, query, clock, ct);
        return TypedResults.Empty;
    }

    /// <summary>The export as a download: the API's route and the dashboard's "Export CSV" both answer with this.</summary>
    public static async Task WriteResponseAsync(HttpContext http, RemitDb db, PayoutQuery query, TimeProvider clock, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        var today = TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, program.TimeZoneInfo);

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"payouts-{today:yyyy-MM-dd}.csv\"";
        var rows = query.Apply(db.Payouts.AsNoTracking(), program)
            .Select(p => new PayoutRow(p, p.Affiliate!.Name, p.Affiliate.Email))
            .AsAsyncEnumerable();
        await WriteAsync(rows, http.Response.Body, ct);
    }

    public static async Task WriteAsync(IAsyncEnumerable<PayoutRow> rows, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        await writer.WriteAsync(string.Join(',', Columns) + "\r\n");
        var line = new StringBuilder();
        await foreach (var row in rows.WithCancellation(ct))
        {
            var p = row.Payout;
            line.Clear();
            Append(line, Number(p.Id)); Append(line, Number(p.AffiliateId)); Append(line, Text(row.AffiliateName));
            Append(line, Text(row.AffiliateEmail));
            Append(line, Money.ToDecimal(p.AmountMinor, p.Currency).ToString(CultureInfo.InvariantCulture));
            Append(line, Text(p.Currency)); Append(line, Text(p.Method)); Append(line, Text(p.Status));
            Append(line, Text(p.Reference)); Append(line, Text(p.Notes)); Append(line, Text(p.FailureReason));
            Append(line, Text(p.Source)); Append(line, Time(p.CreatedAt)); Append(line, Time(p.ProcessingAt));
            Append(line, Time(p.CompletedAt)); Append(line, Time(p.FailedAt));
            line.Length--;
            line.Append("\r\n");
            await writer.WriteAsync(line, ct);
        }
        await writer.FlushAsync(ct);
    }

    // RFC 4180 is written by hand because the CSV libraries served here write the platform's "\n" between records
    // where the RFC asks for CRLF, and quoting is the few lines below.
    private static void Append(StringBuilder line, string value)
    {
        if (value.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            line.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
        else
            line.Append(value);
        line.Append(',');
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Time(DateTime? value) =>
        value?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    /// <summary>
    /// A text cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe, so
    /// an affiliate cannot plant a formula in the merchant's books through their name.
    /// </summary>
    public static string Text(string? value) =>
        value is { Length: > 0 } && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value ?? "";
}
