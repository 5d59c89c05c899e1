using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Audit;
using Remit.Data;
using Remit.Programs;

namespace Remit.Settings;

/// <summary>The payout settings; <c>next_payout_date</c> is read-only (the schedule's, null while it is off).</summary>
public sealed record PayoutSettings(
    string PayoutFrequency, int PayoutDay, decimal MinPayout, bool AllowEarlyRequests, bool AutoCreatePayouts, int HoldDays, string Currency,
    decimal? ApprovalThreshold, DateOnly? NextPayoutDate)
{
    public static async Task<PayoutSettings> ReadAsync(RemitDb db, AffiliateProgram p, DateTime now, CancellationToken ct) => new(
        p.PayoutFrequency, p.PayoutDay, Money.ToDecimal(p.MinPayoutMinor, p.Currency), p.AllowEarlyRequests, p.AutoCreatePayouts, p.HoldDays,
        p.Currency, p.ApprovalThresholdMinor is { } threshold ? Money.ToDecimal(threshold, p.Currency) : null,
        await Schedule.PayoutSchedule.NextPayoutDateAsync(db, p, now, ct));
}

/// <summary>
/// A partial update: only the fields present in the PUT body are set. <c>approval_threshold</c> may be given as null
/// (turning two-person approval off), so whether it was given at all is kept apart.
/// </summary>
public sealed record SettingsChange(
    string? PayoutFrequency = null, int? PayoutDay = null, decimal? MinPayout = null, bool? AllowEarlyRequests = null,
    bool? AutoCreatePayouts = null, int? HoldDays = null, decimal? ApprovalThreshold = null,
    [property: System.Text.Json.Serialization.JsonIgnore] bool ApprovalThresholdGiven = false);

public static class SettingsApi
{
    public static readonly string[] Frequencies = ["weekly", "biweekly", "monthly"];

    public static IEndpointRouteBuilder MapSettings(this IEndpointRouteBuilder app)
    {
        var group = app.MapApiGroup("/v1/settings", "Settings");
        group.MapGet("/payouts", Get).RequireAuthorization(Scopes.SettingsRead)
            .WithName("getPayoutSettings").WithSummary("Payout settings")
            .WithDescription("When and how much the program pays: frequency and day, minimum payout, early requests, automatic payouts, hold days, currency, the batch total from which two people must act (`approval_threshold`, null = off), and (read-only) `next_payout_date`, the first payout day of the schedule not yet run in the program's calendar (null while `auto_create_payouts` is off).");
        group.MapPut("/payouts", Put).RequireAuthorization(Scopes.SettingsWrite).Accepts<SettingsChange>("application/json")
            .WithName("updatePayoutSettings").WithSummary("Change payout settings")
            .WithDescription("Sets the fields given (any subset); the others keep their value. The result is checked as a whole: `payout_day` is 1–28 for monthly payouts and an ISO weekday 1–7 otherwise. `approval_threshold` (an amount, or null = off): a batch whose total reaches it needs a second person's approval. The currency and `next_payout_date` cannot be changed here. Switching `auto_create_payouts` on (or changing the frequency or day while it is on) starts the schedule from that moment: earlier payout days are never run, and biweekly weeks count from this week. 409 `CONCURRENT_UPDATE` when other changes to the program kept landing first.")
            .Produces<ErrorEnvelope>(409);
        return app;
    }

    public static async Task<Ok<DataEnvelope<PayoutSettings>>> Get(RemitDb db, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(new DataEnvelope<PayoutSettings>(await PayoutSettings.ReadAsync(db, await db.CurrentProgramAsync(ct), clock.GetUtcNow().UtcDateTime, ct)));

    public static async Task<Results<Ok<DataEnvelope<PayoutSettings>>, ApiError>> Put(HttpContext http, RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var (body, error) = await Body.ReadAsync<JsonElement>(http.Request);
        if (error is not null) return error.ToHttp();
        var v = new Validation();
        var change = Parse(body, v);
        if (!v.IsValid) return v.ToProblem().ToHttp();
        var outcome = await SaveAsync(db, change!, http.Actor(), clock, ct);
        return outcome.Error?.ToHttp() ?? (Results<Ok<DataEnvelope<PayoutSettings>>, ApiError>)TypedResults.Ok(new DataEnvelope<PayoutSettings>(outcome.Value!));
    }

    /// <summary>Reads the PUT body field by field so an unknown field or a wrong type is named in the 422.</summary>
    public static SettingsChange? Parse(JsonElement body, Validation v)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            v.Add("body", "The body must be a JSON object of settings.");
            return null;
        }
        var change = new SettingsChange();
        foreach (var field in body.EnumerateObject())
        {
            var value = field.Value;
            switch (field.Name)
            {
                case "payout_frequency" when value.ValueKind == JsonValueKind.String:
                    change = change with { PayoutFrequency = value.GetString() };
                    break;
                case "payout_day" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var day):
                    change = change with { PayoutDay = day };
                    break;
                case "min_payout" when value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var min):
                    change = change with { MinPayout = min };
                    break;
                case "allow_early_requests" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    change = change with { AllowEarlyRequests = value.GetBoolean() };
                    break;
                case "auto_create_payouts" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    change = change with { AutoCreatePayouts = value.GetBoolean() };
                    break;
                case "hold_days" when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var hold):
                    change = change with { HoldDays = hold };
                    break;
                case "approval_threshold" when value.ValueKind == JsonValueKind.Null:
                    change = change with { ApprovalThreshold = null, ApprovalThresholdGiven = true };
                    break;
                case "approval_threshold" when value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var threshold):
                    change = change with { ApprovalThreshold = threshold, ApprovalThresholdGiven = true };
                    break;
                case "approval_threshold":
                    v.Add(field.Name, "approval_threshold must be an amount, or null to turn approval off.");
                    break;
                case "payout_frequency" or "payout_day" or "min_payout" or "hold_days":
                    v.Add(field.Name, field.Name == "payout_frequency" ? "payout_frequency must be a string." : $"{field.Name} must be a number.");
                    break;
                case "allow_early_requests" or "auto_create_payouts":
                    v.Add(field.Name, $"{field.Name} must be true or false.");
                    break;
                case "next_payout_date":
                    v.Add(field.Name, $"{field.Name} is read-only.");
                    break;
                default:
                    v.Add(field.Name, $"Unknown field '{field.Name}'.");
                    break;
            }
        }
        return change;
    }

    /// <summary>
    /// Merges the change into the current settings and validates the result as a whole (a payout_day is checked
    /// against the frequency it will have), then saves all of it or nothing, over the settings it read: a concurrent
    /// change makes it merge and validate again (OptimisticConcurrency). Shared with the dashboard's form.
    /// </summary>
    public static Task<Outcome<PayoutSettings>> SaveAsync(RemitDb db, SettingsChange change, Actor actor, TimeProvider clock, CancellationToken ct) =>
        db.RetryAsync(() => SaveOnceAsync(db, change, actor, clock, ct), () => Problem.ConcurrentUpdate("settings"));

    private static async Task<Outcome<PayoutSettings>> SaveOnceAsync(RemitDb db, SettingsChange change, Actor actor, TimeProvider clock, CancellationToken ct)
    {
        var program = await db.Programs.SingleAsync(p => p.Id == db.ProgramId, ct);
        var v = new Validation();
        var frequency = change.PayoutFrequency ?? program.PayoutFrequency;
        var day = change.PayoutDay ?? program.PayoutDay;
        if (!Frequencies.Contains(frequency)) v.Add("payout_frequency", $"payout_frequency must be one of {string.Join(", ", Frequencies)}.");
        else if (frequency == "monthly" && day is < 1 or > 28)
            v.Add("payout_day", "payout_day must be a day of the month from 1 to 28 for monthly payouts.");
        else if (frequency != "monthly" && day is < 1 or > 7)
            v.Add("payout_day", $"payout_day must be an ISO weekday from 1 (Monday) to 7 (Sunday) for {frequency} payouts.");
        var minPayout = change.MinPayout is { } min ? v.Amount(min, program.Currency, "min_payout", required: true, min: 0) : program.MinPayoutMinor;
        var hold = change.HoldDays ?? program.HoldDays;
        if (hold is < 0 or > 365) v.Add("hold_days", "hold_days must be from 0 to 365.");
        var threshold = change.ApprovalThresholdGiven
            ? change.ApprovalThreshold is { } given ? v.Amount(given, program.Currency, "approval_threshold", required: true) : null
            : program.ApprovalThresholdMinor;
        if (!v.IsValid) return v.ToProblem();

        var now = clock.GetUtcNow().UtcDateTime;
        var auto = change.AutoCreatePayouts ?? program.AutoCreatePayouts;
        // The schedule starts when it is switched on, and again when its rule changes: no payout day of the old rule
        // (nor one from before) is ever made up under the new one.
        if (auto && (!program.AutoCreatePayouts || frequency != program.PayoutFrequency || day != program.PayoutDay))
            program.ScheduleSince = now;
        program.PayoutFrequency = frequency;
        program.PayoutDay = day;
        program.MinPayoutMinor = minPayout!.Value;
        program.AllowEarlyRequests = change.AllowEarlyRequests ?? program.AllowEarlyRequests;
        program.AutoCreatePayouts = auto;
        program.HoldDays = hold;
        program.ApprovalThresholdMinor = threshold;
        db.AuditEvents.Add(actor.Record(program.Id, "settings.updated", "program", program.Id, now,
            notes: threshold is { } t ? $"approval threshold {Money.Format(t, program.Currency)} {program.Currency}" : null));
        await db.SaveChangesAsync(ct);
        SettingsLog.For(db).PayoutSettingsChanged(program.Id, program.PayoutFrequency, program.PayoutDay, Money.Format(program.MinPayoutMinor, program.Currency), program.Currency,
            program.HoldDays, program.AllowEarlyRequests, actor.Type, actor.Id);
        return Outcome<PayoutSettings>.Ok(await PayoutSettings.ReadAsync(db, program, now, ct));
    }
}
