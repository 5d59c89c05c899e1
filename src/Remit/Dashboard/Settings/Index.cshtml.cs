using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Remit.Api;
using Remit.Data;
using Microsoft.Extensions.Options;
using Remit.Security;
using Remit.Settings;

namespace Remit.Dashboard.Settings;

/// <summary>The payout settings form: saved through the same merge-and-validate as PUT /v1/settings/payouts.</summary>
public sealed class IndexModel(RemitDb db, SecretBox secrets, IOptions<PayPalOptions> paypalOptions, TimeProvider clock) : DashboardPage
{
    public static readonly (string Field, string Label, int Max, string Rule)[] AchFields =
    [
        ("odfi_routing", "ODFI routing number", 9, "Your bank's routing number (9 digits, 3-7-1 check digit); trace numbers start with it."),
        ("company_name", "Company name", 16, "As your bank knows you, at most 16 characters; affiliates see it on their statement."),
        ("company_id", "Company id", 10, "The originator id your bank gave you (often 1 + EIN), at most 10 characters."),
        ("immediate_destination", "Immediate destination", 10, "Routing number your bank receives files at, or the 10 characters it specified."),
        ("immediate_destination_name", "Immediate destination name", 23, "Your bank's name, at most 23 characters (optional)."),
        ("immediate_origin", "Immediate origin", 10, "Routing number or the 10 characters your bank specified for you."),
        ("immediate_origin_name", "Immediate origin name", 23, "Your company's name in the file header, at most 23 characters (optional)."),
        ("entry_description", "Entry description", 10, "Shown to affiliates by their bank, at most 10 characters; PAYOUT when empty."),
    ];

    /// <summary>The ACH and PayPal fields as shown: the saved values, or what was typed in a refused submit.</summary>
    public Dictionary<string, string?> Ach { get; private set; } = [];
    public Dictionary<string, string?> PayPal { get; private set; } = [];
    public bool PayPalSecretSet { get; private set; }
    public string PayPalBaseUrl(string environment) => paypalOptions.Value.BaseUrl(environment).ToString();

    public sealed record SettingsForm(string Frequency, string Day, string MinPayout, bool AllowEarlyRequests, bool AutoCreatePayouts, string HoldDays,
        string ApprovalThreshold);

    public SettingsForm Form { get; private set; } = null!;

    /// <summary>The schedule's next payout day (GET /v1/settings/payouts' <c>next_payout_date</c>); null while it is off.</summary>
    public DateOnly? NextPayoutDate { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var a = Program.Ach;
        Ach = new()
        {
            ["odfi_routing"] = a.OdfiRouting, ["company_name"] = a.CompanyName, ["company_id"] = a.CompanyId,
            ["immediate_destination"] = a.ImmediateDestination, ["immediate_destination_name"] = a.ImmediateDestinationName,
            ["immediate_origin"] = a.ImmediateOrigin, ["immediate_origin_name"] = a.ImmediateOriginName, ["entry_description"] = a.EntryDescription,
        };
        var p = Program.PayPal;
        PayPal = new() { ["client_id"] = p.ClientId, ["environment"] = p.Environment, ["webhook_id"] = p.WebhookId };
        PayPalSecretSet = p.ClientSecret is not null;
        var s = await PayoutSettings.ReadAsync(db, Program, clock.GetUtcNow().UtcDateTime, ct);
        NextPayoutDate = s.NextPayoutDate;
        Form = new SettingsForm(s.PayoutFrequency, Text(s.PayoutDay), s.MinPayout.ToString(CultureInfo.InvariantCulture),
            s.AllowEarlyRequests, s.AutoCreatePayouts, Text(s.HoldDays), s.ApprovalThreshold?.ToString(CultureInfo.InvariantCulture) ?? "");
    }

    /// <summary>The ACH originator form: every field sent, blank clears it; saved through PUT /v1/settings/ach's SaveAchAsync.</summary>
    public async Task<IActionResult> OnPostAchAsync(CancellationToken ct)
    {
        var fields = AchFields.ToDictionary(f => f.Field, f => Blank(Request.Form[f.Field].ToString()));
        var outcome = await PaymentSettingsApi.SaveAchAsync(db, fields, Actor, clock, ct);
        if (outcome.Error is { } error)
        {
            await OnGetAsync(ct);
            Ach = fields;
            return Refused(error);
        }
        Flash = "ACH settings saved.";
        return LocalRedirect("/settings#ach-title");
    }

    /// <summary>The PayPal form: the secret is write-only, so a blank secret keeps the saved one (a box clears it).</summary>
    public async Task<IActionResult> OnPostPayPalAsync([FromForm(Name = "client_id")] string? clientId, [FromForm(Name = "client_secret")] string? clientSecret,
        [FromForm(Name = "clear_secret")] bool clearSecret, string? environment, [FromForm(Name = "webhook_id")] string? webhookId, CancellationToken ct)
    {
        var fields = new Dictionary<string, string?> { ["client_id"] = Blank(clientId), ["environment"] = Blank(environment), ["webhook_id"] = Blank(webhookId) };
        if (clearSecret) fields["client_secret"] = null;
        else if (Blank(clientSecret) is { } secret) fields["client_secret"] = secret;
        var outcome = await PaymentSettingsApi.SavePayPalAsync(db, secrets, fields, Actor, clock, ct);
        if (outcome.Error is { } error)
        {
            await OnGetAsync(ct);
            PayPal = fields;
            PayPal.Remove("client_secret");
            return Refused(error);
        }
        Flash = "PayPal settings saved.";
        return LocalRedirect("/settings#paypal-title");
    }

    private IActionResult Refused(Problem error)
    {
        Errors = error.FieldErrors();
        Response.StatusCode = error.Status();
        return Page();
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public async Task<IActionResult> OnPostAsync([FromForm(Name = "payout_frequency")] string? frequency, [FromForm(Name = "payout_day")] string? day,
        [FromForm(Name = "min_payout")] string? minPayout, [FromForm(Name = "allow_early_requests")] bool allowEarlyRequests,
        [FromForm(Name = "auto_create_payouts")] bool autoCreatePayouts, [FromForm(Name = "hold_days")] string? holdDays,
        [FromForm(Name = "approval_threshold")] string? approvalThreshold, CancellationToken ct)
    {
        await OnGetAsync(ct);
        Form = new SettingsForm(frequency ?? "", day ?? "", minPayout ?? "", allowEarlyRequests, autoCreatePayouts, holdDays ?? "", approvalThreshold ?? "");
        var v = new Validation();
        // A blank threshold turns two-person approval off, as null does in the API.
        var threshold = string.IsNullOrWhiteSpace(approvalThreshold) ? null : Amount(approvalThreshold, "approval_threshold", v);
        var change = new SettingsChange(frequency, Whole(day, "payout_day", v), Amount(minPayout, "min_payout", v), allowEarlyRequests, autoCreatePayouts,
            Whole(holdDays, "hold_days", v), threshold, ApprovalThresholdGiven: true);
        var error = v.IsValid ? (await SettingsApi.SaveAsync(db, change, Actor, clock, ct)).Error : v.ToProblem();
        if (error is not null)
        {
            Errors = error.FieldErrors();
            Response.StatusCode = error.Status();
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

    private static decimal? Amount(string? text, string field, Validation v)
    {
        if (decimal.TryParse(text?.Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) return value;
        v.Add(field, $"{field} must be a number such as 50.00.");
        return null;
    }
}
