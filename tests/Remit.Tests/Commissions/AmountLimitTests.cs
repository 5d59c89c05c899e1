using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Remit.Commissions;
using Remit.Payouts;
using Remit.Programs;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Commissions;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// The documented maximum per commission and per payout, and sums that no amount of rows can overflow. One host for
/// the class, a program per test.
/// </summary>
public sealed partial class AmountLimitTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private const long TwoToThe62 = 1L << 62;

    [Theory]
    [InlineData("USD", "1000000000.00", "999,999,999.99 USD")]
    [InlineData("USD", "92233720368547758.07", "999,999,999.99 USD")]
    [InlineData("USD", "1e27", "999,999,999.99 USD")]
    [InlineData("JPY", "100000000000", "99,999,999,999 JPY")]
    public async Task A_commission_over_the_maximum_is_a_422_naming_the_maximum_and_records_nothing(string currency, string amount, string max)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync(currency: currency);
        var affiliate = await t.AffiliateAsync();

        var response = await t.Http.PostAsync("/v1/commissions", JsonContent.Create(
            System.Text.Json.Nodes.JsonNode.Parse($$"""{"affiliate_id": {{affiliate}}, "amount": {{amount}}}""")));

        var error = await Api.ErrorAsync(response, 422, "VALIDATION_ERROR");
        Assert.Equal("amount", error["details"]![0]!["field"]!.GetValue<string>());
        Assert.Contains($"at most {max}", error["details"]![0]!["message"]!.GetValue<string>());
        Assert.Empty((await t.GetAsync("/v1/commissions"))["data"]!.AsArray());
    }

    [Fact]
    public async Task A_commission_of_exactly_the_maximum_is_recorded()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();

        var id = await t.CommissionAsync(affiliate, 999_999_999.99m);

        Assert.Equal("999999999.99", Api.Raw((await t.GetAsync($"/v1/commissions/{id}"))["data"]!["amount"]));
    }

    /// <summary>
    /// Rows from before the caps (two commissions of 2^62 minor units) once made every SUM overflow: the affiliate
    /// list and detail now show the exact balance, and a payout of it is a 422 that claims nothing.
    /// </summary>
    [Fact]
    public async Task Balances_past_a_long_are_exact_and_a_payout_over_the_maximum_is_refused_without_claiming()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { allow_early_requests = true, min_payout = 0 }), 200);
        var affiliate = await t.AffiliateAsync();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await using (var db = app.Db(t.ProgramId))
        {
            for (var i = 0; i < 2; i++)
                db.Commissions.Add(new Commission { ProgramId = t.ProgramId, AffiliateId = affiliate, AmountMinor = TwoToThe62, Currency = "USD", EarnedAt = now.AddDays(-1), CreatedAt = now });
            await db.SaveChangesAsync();
        }

        var list = (await t.GetAsync("/v1/affiliates"))["data"]!.AsArray().Single(a => a!["id"]!.GetValue<long>() == affiliate)!;
        Assert.Equal("92233720368547758.08", Api.Raw(list["balance"]));
        Assert.Equal("92233720368547758.08", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));

        var manual = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payouts", new { affiliate_id = affiliate }), 422, "VALIDATION_ERROR");
        Assert.Contains("at most 99,999,999,999.99 USD", manual["message"]!.GetValue<string>());
        Assert.Contains("92,233,720,368,547,758.08 USD", manual["message"]!.GetValue<string>());
        var request = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payouts/requests", new { affiliate_id = affiliate }), 422, "VALIDATION_ERROR");
        Assert.Contains("at most 99,999,999,999.99 USD", request["message"]!.GetValue<string>());

        Assert.Equal(0, (await t.GetAsync("/v1/payouts"))["meta"]!["total"]!.GetValue<int>());
        Assert.Equal(2, (await t.GetAsync("/v1/commissions?status=approved"))["data"]!.AsArray().Count);
    }

    /// <summary>
    /// Payouts of 2^62 minor units each (before the caps) pending and completed this month: the stats, the API's
    /// and the dashboard's, sum them exactly instead of answering 500.
    /// </summary>
    [Fact]
    public async Task Stats_and_the_dashboard_sum_payouts_past_a_long()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await using (var db = app.Db(t.ProgramId))
        {
            foreach (var status in new[] { PayoutStatus.Pending, PayoutStatus.Pending, PayoutStatus.Completed, PayoutStatus.Completed })
                db.Payouts.Add(new Payout
                {
                    ProgramId = t.ProgramId, AffiliateId = affiliate, AmountMinor = TwoToThe62, Currency = "USD", Source = "manual",
                    Status = status, CreatedAt = now, CompletedAt = status == PayoutStatus.Completed ? now : null,
                });
            await db.SaveChangesAsync();
        }

        var stats = (await t.GetAsync("/v1/payouts/stats"))["data"]!;
        Assert.Equal("92233720368547758.08", Api.Raw(stats["total_pending_amount"]));
        Assert.Equal("92233720368547758.08", Api.Raw(stats["completed_this_month"]));

        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        await using (var db = app.Db())
            await ProgramAdmin.CreateUserAsync(db, t.ProgramId, email, "correct horse battery", "admin", now);
        var signIn = await browser.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email, ["password"] = "correct horse battery",
            ["__RequestVerificationToken"] = AntiforgeryField().Match(await browser.GetStringAsync("/sign-in")).Groups[1].Value,
        }));
        Assert.Equal(302, (int)signIn.StatusCode);
        var page = await browser.GetAsync("/payouts");
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Contains("92,233,720,368,547,758.08 USD", await page.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
