using CsvHelper;
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
        var today = Programs.ZoneCalendar.Date(clock.GetUtcNow().UtcDateTime, Programs.ZoneCalendar.Zone(program));

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"payouts-{today:yyyy-MM-dd}.csv\"";
        // Only the columns the file has: a whole payout row (its account snapshot, hold and return columns) was read and
        // materialised for every line, for nothing the file shows.
        var rows = query.Apply(db.Payouts.AsNoTracking(), program)
            .Select(p => new ExportRow(p.Id, p.AffiliateId, p.Affiliate!.Name, p.Affiliate.Email, p.AmountMinor, p.Currency, p.Method,
                p.Status, p.Reference, p.Notes, p.FailureReason, p.Source, p.CreatedAt, p.ProcessingAt, p.CompletedAt, p.FailedAt))
            .AsAsyncEnumerable();
        await WriteAsync(rows, http.Response.Body, ct);
    }

    /// <summary>One line of the file, as read from the database.</summary>
    public sealed record ExportRow(long Id, long AffiliateId, string AffiliateName, string AffiliateEmail, long AmountMinor, string Currency,
        string? Method, string Status, string? Reference, string? Notes, string? FailureReason, string Source, DateTime CreatedAt,
        DateTime? ProcessingAt, DateTime? CompletedAt, DateTime? FailedAt);

    public static async Task WriteAsync(IAsyncEnumerable<ExportRow> rows, Stream output, CancellationToken ct)
    {
        // The writer's buffer goes out whenever a record ends with it mostly full, asynchronously: memory stays at
        // one buffer however many rows the cursor yields, and the response is never written synchronously.
        await using var csv = CsvWriter.Create(output, CsvFiles.Options, leaveOpen: true);
        await csv.WriteRecordAsync(Columns, ct);
        await foreach (var p in rows.WithCancellation(ct))
        {
            csv.WriteField(p.Id, "");
            csv.WriteField(p.AffiliateId, "");
            csv.WriteField(p.AffiliateName);
            csv.WriteField(p.AffiliateEmail);
            csv.WriteField(Money.ToDecimal(p.AmountMinor, p.Currency), "");
            csv.WriteField(p.Currency);
            csv.WriteField(p.Method);
            csv.WriteField(p.Status);
            csv.WriteField(p.Reference);
            csv.WriteField(p.Notes);
            csv.WriteField(p.FailureReason);
            csv.WriteField(p.Source);
            csv.WriteField(p.CreatedAt, TimeFormat);
            csv.WriteField(p.ProcessingAt, TimeFormat);
            csv.WriteField(p.CompletedAt, TimeFormat);
            csv.WriteField(p.FailedAt, TimeFormat);
            await csv.EndRecordAsync(ct);
        }
        await csv.FlushAsync(ct);
    }

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
}
