using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Remit.Api;
using Remit.Data;
using Remit.Settings;

namespace Remit.Dashboard.Settings;

/// <summary>The payout settings form: saved through the same merge-and-validate as PUT /v1/settings/payouts.</summary>
public sealed class IndexModel(RemitDb db, TimeProvider clock) : DashboardPage
{
    public sealed record SettingsForm(string Frequency, string Day, string MinPayout, bool AllowEarlyRequests, bool AutoCreatePayouts, string HoldDays);

    public SettingsForm Form { get; private set; } = null!;

    public void OnGet()
    {
        var s = PayoutSettings.Of(Program);
        Form = new SettingsForm(s.PayoutFrequency, Text(s.PayoutDay), s.MinPayout.ToString(CultureInfo.InvariantCulture),
            s.AllowEarlyRequests, s.AutoCreatePayouts, Text(s.HoldDays));
    }

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "payout_frequency")] string? frequency, [FromForm(Name = "payout_day")] string? day,
        [FromForm(Name = "min_payout")] string? minPayout, [FromForm(Name = "allow_early_requests")] bool allowEarlyRequests,
        [FromForm(Name = "auto_create_payouts")] bool autoCreatePayouts, [FromForm(Name = "hold_days")] string? holdDays, CancellationToken ct)
    {
        Form = new SettingsForm(frequency ?? "", day ?? "", minPayout ?? "", allowEarlyRequests, autoCreatePayouts, holdDays ?? "");
        var v = new Validation();
        var change = new SettingsChange(frequency, Whole(day, "payout_day", v), Amount(minPayout, v), allowEarlyRequests, autoCreatePayouts, Whole(holdDays, "hold_days", v));
        var error = v.IsValid ? (await SettingsApi.SaveAsync(db, change, Actor, clock, ct)).Error : v.ToError();
        if (error is not null)
        {
            Errors = error.Value.Error.Details;
            Response.StatusCode = error.StatusCode;
            return Page();
        }
        Flash = "Payout settings saved.";
        return LocalRedirect("/settings");
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int? Whole(string? text, string field, Validation v)
    {
        if (int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        v.Add(field, $"{field} must be a whole number.");
        return null;
    }

    private static decimal? Amount(string? text, Validation v)
    {
        if (decimal.TryParse(text?.Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        v.Add("min_payout", "min_payout must be a number such as 50.00.");
        return null;
    }
}
