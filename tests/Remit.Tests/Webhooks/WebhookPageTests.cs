using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Webhooks;

/// <summary>The dashboard's webhooks page: add (secret once), the delivery log with replay, disable, and the notice.</summary>
public sealed partial class WebhookPageTests
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("data-new-secret>(whsec_[^<]+)<")]
    private static partial Regex NewSecret();

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string path, string page, params (string, string)[] fields)
    {
        var token = AntiforgeryField().Match(await http.GetStringAsync(page)).Groups[1].Value;
        return await http.PostAsync(path, new FormUrlEncodedContent([.. fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)),
            new("__RequestVerificationToken", token)]));
    }

    [Fact]
    public async Task A_merchant_adds_an_endpoint_sees_its_log_replays_and_is_told_when_remit_disabled_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(a => a.Settings["Remit:Webhooks:AllowPrivateNetworks"] = "true");
        var t = await app.NewProgramAsync();
        var http = await Dashboard.DashboardHttp.SignedInAsync(app, t.ProgramId);

        var refused = await PostAsync(http, "/webhooks?handler=Create", "/webhooks", ("url", "ftp://example.com/x"), ("events", "payout.created"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("absolute http or https URL", await refused.Content.ReadAsStringAsync());

        var created = await PostAsync(http, "/webhooks?handler=Create", "/webhooks", ("url", receiver.Url), ("events", "payout.created"), ("description", "ERP"));
        var page = await created.Content.ReadAsStringAsync();
        var secret = WebUtility.HtmlDecode(NewSecret().Match(page).Groups[1].Value);
        Assert.StartsWith("whsec_", secret);
        TestLog.RecordSecret("webhook secret", secret);
        Assert.DoesNotContain(secret, await http.GetStringAsync("/webhooks"));

        await t.PendingPayoutAsync(25m);
        var first = (await receiver.WaitForAsync(1))[0];
        Assert.True(IndependentVerifier.Verifies(secret, first));
        await using var db = app.Db(t.ProgramId);
        var endpoint = await db.WebhookEndpoints.SingleAsync();
        var log = "";
        for (var i = 0; i < 600 && !log.Contains("data-attempt", StringComparison.Ordinal); i++)
        {
            log = await http.GetStringAsync($"/webhooks?endpoint={endpoint.Id}");
            await Task.Delay(50);
        }
        Assert.Contains(first.Id, log);
        var attempt = await db.WebhookAttempts.SingleAsync();
        var replay = await PostAsync(http, $"/webhooks?handler=Replay&attempt={attempt.Id}&endpoint={endpoint.Id}", "/webhooks",
            ("attempt", attempt.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.Equal(first.Body, (await receiver.WaitForAsync(2))[1].Body);

        // Disabled by Remit after three days of failures: every page says so until it is enabled again.
        Assert.DoesNotContain("data-webhooks-disabled", await http.GetStringAsync("/payouts"));
        await db.WebhookEndpoints.ExecuteUpdateAsync(s => s.SetProperty(e => e.Enabled, false)
            .SetProperty(e => e.DisabledReason, "Disabled by Remit: every delivery has failed for 3 days."));
        Assert.Contains("1 webhook endpoint was disabled", await http.GetStringAsync("/payouts"));
        Assert.Contains("every delivery has failed for 3 days", await http.GetStringAsync("/webhooks"));
        var enabled = await PostAsync(http, $"/webhooks?handler=Enable&id={endpoint.Id}", "/webhooks", ("enabled", "true"));
        Assert.Equal(HttpStatusCode.Redirect, enabled.StatusCode);
        Assert.DoesNotContain("data-webhooks-disabled", await http.GetStringAsync("/payouts"));
        Assert.Contains("Enabled", await http.GetStringAsync("/webhooks"));
    }
}
