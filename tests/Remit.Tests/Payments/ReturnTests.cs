using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payments;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>POST /v1/payouts/{id}/return: bank returns, per money flow step 5.</summary>
public sealed class ReturnTests
{
    [Fact]
    public async Task A_processing_payout_fails_with_the_return_codes_meaning()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("basic");
        var payout = await t.MethodPayoutAsync(PaymentsSetup.Bank(), 80m);
        await t.BatchAsync("bank", [payout]);
        var data = (await t.PostAsync($"/v1/payouts/{payout}/return", new { code = "r03", date = "2026-03-14" }))["data"]!;
        Assert.Equal("failed", data["status"]!.GetValue<string>());
        Assert.Equal("R03: No account/unable to locate account", data["failure_reason"]!.GetValue<string>());
        Assert.Null(data["returned_at"]);
        // Failed releases its commissions: payable again.
        Assert.Equal("80.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{data["affiliate_id"]}"))["data"]!["balance"]));
    }

    [Fact]
    public async Task A_completed_payout_stays_completed_is_marked_returned_and_the_money_is_owed_again_in_the_next_payout()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("basic");
        var affiliate = await t.AffiliateWithAsync(PaymentsSetup.Bank());
        await t.CommissionAsync(affiliate, 60m);
        await t.CommissionAsync(affiliate, 15.25m);
        var payout = await t.PayoutAsync(affiliate);
        await t.PostAsync($"/v1/payouts/{payout}/complete", new { reference = "ACH-1" });

        var data = (await t.PostAsync($"/v1/payouts/{payout}/return", new { code = "R01", date = "2026-03-14" }))["data"]!;
        Assert.Equal("completed", data["status"]!.GetValue<string>());
        Assert.Equal("R01", data["return_code"]!.GetValue<string>());
        Assert.Equal("Insufficient funds", data["return_reason"]!.GetValue<string>());
        Assert.Equal("2026-03-14", data["return_date"]!.GetValue<string>());
        Assert.Equal("2026-03-15T12:00:00Z", data["returned_at"]!.GetValue<string>());
        Assert.Equal("ACH-1", data["reference"]!.GetValue<string>());

        var commissions = (await t.GetAsync($"/v1/commissions?affiliate_id={affiliate}"))["data"]!.AsArray();
        var adjustment = Assert.Single(commissions, c => c!["kind"]!.GetValue<string>() == "adjustment")!;
        Assert.Equal("75.25", Api.Raw(adjustment["amount"]));
        Assert.Equal("approved", adjustment["status"]!.GetValue<string>());
        // The original commissions stay paid: nothing recorded is rewritten.
        Assert.Equal(2, commissions.Count(c => c!["status"]!.GetValue<string>() == "paid"));

        var next = (await t.GetAsync($"/v1/payouts/{await t.PayoutAsync(affiliate)}"))["data"]!;
        Assert.Equal("75.25", Api.Raw(next["amount"]));
        Assert.Equal(1, next["commissions_count"]!.GetValue<int>());

        var twice = await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payouts/{payout}/return", new { code = "R02" }), 409, "INVALID_STATUS");
        Assert.Contains("already returned", twice["message"]!.GetValue<string>());
        await using var db = app.Db(t.ProgramId);
        Assert.Equal(1, await db.Commissions.CountAsync(c => c.Kind == "adjustment"));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "payout.returned" && e.ActorType == "token"));
    }

    [Fact]
    public async Task A_return_after_completion_is_in_the_payouts_status_history_with_who_recorded_it_in_the_api_and_the_dashboard()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("basic");
        var payout = await t.MethodPayoutAsync(PaymentsSetup.Bank(), 45m);
        await t.PostAsync($"/v1/payouts/{payout}/complete", new { reference = "ACH-9" });
        app.Clock.Advance(TimeSpan.FromHours(1));
        await t.PostAsync($"/v1/payouts/{payout}/return", new { code = "R02", date = "2026-03-15" });

        var history = (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["status_history"]!.AsArray();
        var last = history[^1]!;
        Assert.Equal(("completed", "returned"), (last["from"]!.GetValue<string>(), last["to"]!.GetValue<string>()));
        Assert.Equal("test", last["actor"]!.GetValue<string>());
        Assert.Equal("2026-03-15T13:00:00Z", last["at"]!.GetValue<string>());
        Assert.Contains("R02: Account closed", last["notes"]!.GetValue<string>());
        Assert.Equal(3, history.Count);

        await using (var db = app.Db())
            await Remit.Programs.ProgramAdmin.CreateUserAsync(db, t.ProgramId, "ops@example.com", "correct horse battery", Remit.Api.UserRoles.Viewer, app.Clock.GetUtcNow().UtcDateTime);
        var browser = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { HandleCookies = true });
        var form = await browser.GetStringAsync("/sign-in");
        var antiforgery = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "ops@example.com", ["password"] = "correct horse battery", ["__RequestVerificationToken"] = antiforgery,
        }));
        var page = await browser.GetStringAsync($"/payouts/{payout}");
        var section = page[page.IndexOf("history-title", StringComparison.Ordinal)..];
        Assert.Contains("badge returned\">Returned</span>", section);
        Assert.Contains("R02: Account closed", section);
    }

    [Fact]
    public async Task Racing_returns_of_one_payout_return_it_once()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("basic");
        var payout = await t.MethodPayoutAsync(PaymentsSetup.Bank(), 50m);
        await t.PostAsync($"/v1/payouts/{payout}/complete");
        using var go = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 10).Select(_ => Task.Run(async () =>
        {
            var client = app.ClientWith(t.Token);
            go.Wait();
            return await client.PostAsJsonAsync($"/v1/payouts/{payout}/return", new { code = "R01" });
        })).ToList();
        go.Set();
        var responses = await Task.WhenAll(attempts);
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(9, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        await using var db = app.Db(t.ProgramId);
        Assert.Equal(1, await db.Commissions.CountAsync(c => c.Kind == "adjustment"));
    }

    [Fact]
    public async Task Pending_and_failed_payouts_cannot_be_returned_and_bad_codes_are_422()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("basic");
        var pending = await t.MethodPayoutAsync(PaymentsSetup.Bank());
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payouts/{pending}/return", new { code = "R01" }), 409, "INVALID_STATUS");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payouts/{pending}/return", new { code = "R99" }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payouts/{pending}/return", new { code = "R01", date = "2026-04-01" }), 422, "VALIDATION_ERROR");
        await t.PostAsync($"/v1/payouts/{pending}/fail");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payouts/{pending}/return", new { code = "R01" }), 409, "INVALID_STATUS");
        var paypal = await t.MethodPayoutAsync(null);
        await t.PostAsync($"/v1/payouts/{paypal}/complete");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/payouts/{paypal}/return", new { code = "R01" }), 422, "VALIDATION_ERROR");
    }
}
