using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;
using Remit.Payments;
using Remit.Programs;

namespace Remit.Payouts;

public sealed record ReturnBody(string? Code, string? Date);

/// <summary>POST /v1/payouts/{id}/return: a bank return (NACHA R-code) reported by the merchant's bank.</summary>
public static class ReturnsApi
{
    public static async Task<Results<Ok<DataEnvelope<PayoutDto>>, ApiError>> Return(long id, HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var payout = await db.Payouts.AsNoTracking().Where(p => p.Id == id).Select(p => new { p.Method, p.CreatedAt }).SingleOrDefaultAsync(ct);
        if (payout is null) return Problem.NotFound("Payout not found.").ToHttp();
        var (body, error) = await Body.ReadAsync<ReturnBody>(http.Request);
        if (error is not null) return error.ToHttp();
        var program = await db.CurrentProgramAsync(ct);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(clock.GetUtcNow().UtcDateTime, program.TimeZoneInfo));
        var v = new Validation();
        var code = body?.Code?.Trim().ToUpperInvariant();
        string? meaning = null;
        if (code is null) v.Add("code", "code is required: a NACHA return reason code such as R01.");
        else if (!BankReturnCodes.TryGetMeaning(code, out meaning)) v.Add("code", $"{code} is not a NACHA return reason code (R01–R85).");
        var date = today;
        if (body?.Date is { } raw && !DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date))
            v.Add("date", "date must be a date as YYYY-MM-DD.");
        else if (date > today) v.Add("date", "date must not be in the future.");
        if (payout.Method != PayoutMethods.Bank) v.Add("code", $"Only bank payouts have bank returns; this is a {payout.Method ?? "manual"} payout.");
        if (!v.IsValid) return v.ToProblem().ToHttp();

        var outcome = await PayoutActions.ReturnAsync(db, id, code!, meaning!, date, http.Actor(), clock, ct);
        if (outcome.Error is not null) return outcome.Error.ToHttp();
        return TypedResults.Ok(new DataEnvelope<PayoutDto>((await PayoutsApi.DetailAsync(db, id, ct))!));
    }
}
