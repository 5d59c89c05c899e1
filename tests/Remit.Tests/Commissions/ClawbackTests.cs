using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Remit.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace Remit.Tests.Commissions;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// A refund after payment claws the commission back: a negative adjustment that nets against the next payout, a
/// negative balance carried forward until later commissions cover it, and never more than was paid, even under races.
/// One host for the class, a program per test.
/// </summary>
public sealed class ClawbackTests(SharedApp shared) : IClassFixture<SharedApp>
{
    /// <summary>An affiliate with one commission of the amount, paid (its payout completed).</summary>
    private static async Task<(long Affiliate, long Commission)> PaidCommissionAsync(Tenant t, decimal amount)
    {
        var affiliate = await t.AffiliateAsync();
        var commission = await t.CommissionAsync(affiliate, amount, "ORD-1");
        var payout = await t.PayoutAsync(affiliate);
        await t.PostAsync($"/v1/payouts/{payout}/complete", new { reference = "TXN-1" });
        return (affiliate, commission);
    }

    private static async Task<string> BalanceAsync(Tenant t, long affiliate) =>
        Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]);

    [Fact]
    public async Task A_clawed_back_commission_makes_the_next_payout_smaller_in_every_total()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (affiliate, commission) = await PaidCommissionAsync(t, 100m);

        var clawback = (await t.PostAsync($"/v1/commissions/{commission}/claw-back", new { amount = 30m }, 201))["data"]!;
        Assert.Equal("-30.00", Api.Raw(clawback["amount"]));
        Assert.Equal("adjustment", clawback["kind"]!.GetValue<string>());
        Assert.Equal(commission, clawback["clawback_of"]!.GetValue<long>());
        Assert.Null(clawback["reference"]);
        Assert.Equal("approved", clawback["status"]!.GetValue<string>());
        var original = (await t.GetAsync($"/v1/commissions/{commission}"))["data"]!;
        Assert.Equal("30.00", Api.Raw(original["clawed_back"]));
        Assert.Equal("paid", original["status"]!.GetValue<string>());
        Assert.Equal("-30.00", await BalanceAsync(t, affiliate));

        await t.CommissionAsync(affiliate, 50m, "ORD-2");
        Assert.Equal("20.00", await BalanceAsync(t, affiliate));
        var payout = await t.PayoutAsync(affiliate);
        var detail = (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!;
        Assert.Equal("20.00", Api.Raw(detail["amount"]));
        Assert.Equal("20.00", Api.Raw((await t.GetAsync("/v1/payouts/stats"))["data"]!["total_pending_amount"]));

        var csv = Rfc4180.Parse(await t.Http.GetStringAsync("/v1/payouts/export?status=pending"));
        var amountColumn = Array.IndexOf(csv[0], "amount");
        Assert.Equal("20.00", csv.Single(r => r[0] == payout.ToString(System.Globalization.CultureInfo.InvariantCulture))[amountColumn]);

        using var pdf = PdfDocument.Open(await t.Http.GetByteArrayAsync($"/v1/payouts/{payout}/statement"));
        var text = string.Join("\n", pdf.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        Assert.Contains("-30.00", text);
        Assert.Contains("50.00", text);
        Assert.Contains("20.00", text);
    }

    [Fact]
    public async Task A_negative_adjustment_posted_as_a_commission_refunds_its_order_at_once_despite_the_hold_and_nets_the_balance()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { hold_days = 30 }), 200);
        var longAgo = app.Clock.GetUtcNow().UtcDateTime.AddDays(-40);
        var affiliate = await t.AffiliateAsync();
        var sale = await t.CommissionAsync(affiliate, 100m, "ORD-REFUND-1", longAgo);
        var paid = await t.PayoutAsync(affiliate);
        await t.PostAsync($"/v1/payouts/{paid}/complete", new { reference = "TXN-1" });

        // Refused and changing nothing: negative without kind adjustment, without or with an unknown reference, more than was paid.
        var sameOrder = new JsonObject { ["affiliate_id"] = affiliate, ["amount"] = -30m, ["reference"] = "ORD-REFUND-1" };
        var asSale = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/commissions", sameOrder), 422, "VALIDATION_ERROR");
        Assert.Equal("amount", asSale["details"]![0]!["field"]!.GetValue<string>());
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/commissions", new { affiliate_id = affiliate, amount = -30m, kind = "adjustment" }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/commissions",
            new { affiliate_id = affiliate, amount = -30m, kind = "adjustment", reference = "ORD-NOPE" }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/commissions",
            new { affiliate_id = affiliate, amount = -100.01m, kind = "adjustment", reference = "ORD-REFUND-1" }), 422, "VALIDATION_ERROR");
        Assert.Equal("0.00", await BalanceAsync(t, affiliate));

        sameOrder["kind"] = "adjustment";
        var refund = (await t.PostAsync("/v1/commissions", sameOrder, 201))["data"]!;
        Assert.Equal("-30.00", Api.Raw(refund["amount"]));
        Assert.Equal("adjustment", refund["kind"]!.GetValue<string>());
        Assert.Equal(sale, refund["clawback_of"]!.GetValue<long>());
        // Payable at once, though a sale made now would wait 30 days.
        Assert.Equal("approved", refund["status"]!.GetValue<string>());
        Assert.Equal("30.00", Api.Raw((await t.GetAsync($"/v1/commissions/{sale}"))["data"]!["clawed_back"]));
        Assert.Equal("-30.00", await BalanceAsync(t, affiliate));

        await t.CommissionAsync(affiliate, 50m, "ORD-REFUND-2", longAgo);
        await t.CommissionAsync(affiliate, 25m, "ORD-REFUND-3");
        Assert.Equal("20.00", await BalanceAsync(t, affiliate));
        Assert.Equal("25.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["pending_balance"]));
        var next = await t.PayoutAsync(affiliate);
        Assert.Equal("20.00", Api.Raw((await t.GetAsync($"/v1/payouts/{next}"))["data"]!["amount"]));
        // What is left of the sale (70) is all a second refund can take.
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/commissions",
            new { affiliate_id = affiliate, amount = -71m, kind = "adjustment", reference = "ORD-REFUND-1" }), 409, "INVALID_STATUS");
    }

    [Fact]
    public async Task A_claw_back_larger_than_what_was_earned_since_carries_a_negative_balance_and_pays_nothing_until_covered()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (affiliate, commission) = await PaidCommissionAsync(t, 100m);
        await t.CommissionAsync(affiliate, 40m, "ORD-2");

        // No amount: all that is left.
        var clawback = (await t.PostAsync($"/v1/commissions/{commission}/claw-back", null, 201))["data"]!;
        Assert.Equal("-100.00", Api.Raw(clawback["amount"]));
        Assert.Equal("-60.00", await BalanceAsync(t, affiliate));
        var refused = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payouts", new { affiliate_id = affiliate }), 422, "VALIDATION_ERROR");
        Assert.Contains("negative", refused["message"]!.GetValue<string>());
        Assert.Equal(0, (int)(await t.GetAsync($"/v1/payouts?affiliate_id={affiliate}&status=pending"))["meta"]!["total"]!);
        Assert.Equal("-60.00", await BalanceAsync(t, affiliate));

        await t.CommissionAsync(affiliate, 70m, "ORD-3");
        var payout = await t.PayoutAsync(affiliate);
        var detail = (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!;
        Assert.Equal("10.00", Api.Raw(detail["amount"]));
        Assert.Equal(3, detail["commissions_count"]!.GetValue<int>());
        Assert.Equal("0.00", await BalanceAsync(t, affiliate));
    }

    [Fact]
    public async Task Only_a_paid_commission_can_be_clawed_back_and_never_more_than_is_left()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (affiliate, paid) = await PaidCommissionAsync(t, 100m);
        var unpaid = await t.CommissionAsync(affiliate, 25m, "ORD-2");

        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/commissions/{unpaid}/claw-back", new { amount = 5m }), 409, "INVALID_STATUS");
        await t.PayoutAsync(affiliate);
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/commissions/{unpaid}/claw-back", new { amount = 5m }), 409, "INVALID_STATUS");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/commissions/999999/claw-back", new { amount = 5m }), 404, "NOT_FOUND");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/commissions/{paid}/claw-back", new { amount = 100.01m }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/commissions/{paid}/claw-back", new { amount = -5m }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/commissions/{paid}/claw-back", new { amount = 1.001m }), 422, "VALIDATION_ERROR");
        Assert.Equal("0.00", Api.Raw((await t.GetAsync($"/v1/commissions/{paid}"))["data"]!["clawed_back"]));

        await t.PostAsync($"/v1/commissions/{paid}/claw-back", new { amount = 60m }, 201);
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"/v1/commissions/{paid}/claw-back", new { amount = 40.01m }), 409, "INVALID_STATUS");
        var rest = (await t.PostAsync($"/v1/commissions/{paid}/claw-back", null, 201))["data"]!;
        Assert.Equal("-40.00", Api.Raw(rest["amount"]));
        await Api.ErrorAsync(await t.Http.PostAsync($"/v1/commissions/{paid}/claw-back", null), 409, "INVALID_STATUS");
        // A claw-back is no sale: it cannot itself be clawed back (once paid) — nor is it now, being unpaid.
        await Api.ErrorAsync(await t.Http.PostAsync($"/v1/commissions/{rest["id"]}/claw-back", null), 409, "INVALID_STATUS");

        // Voiding a claw-back gives its amount back to be clawed back again.
        await t.PostAsync($"/v1/commissions/{rest["id"]}/void");
        Assert.Equal("60.00", Api.Raw((await t.GetAsync($"/v1/commissions/{paid}"))["data"]!["clawed_back"]));
        Assert.Equal("-40.00", Api.Raw((await t.PostAsync($"/v1/commissions/{paid}/claw-back", null, 201))["data"]!["amount"]));
    }

    [Fact]
    public async Task Racing_claw_backs_of_one_commission_never_take_back_more_than_it_paid()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (affiliate, commission) = await PaidCommissionAsync(t, 100m);
        using var go = new ManualResetEventSlim();
        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var client = app.ClientWith(t.Token);
            go.Wait();
            return await client.PostAsJsonAsync($"/v1/commissions/{commission}/claw-back", new { amount = 30m });
        })).ToList();
        go.Set();
        var responses = await Task.WhenAll(attempts);

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await Api.ErrorAsync(refused, 409, "INVALID_STATUS");
        Assert.Equal("90.00", Api.Raw((await t.GetAsync($"/v1/commissions/{commission}"))["data"]!["clawed_back"]));
        var adjustments = (await t.GetAsync($"/v1/commissions?affiliate_id={affiliate}&per_page=100"))["data"]!.AsArray()
            .Where(c => c!["clawback_of"] is JsonValue).ToList();
        Assert.Equal(3, adjustments.Count);
        Assert.Equal("-90.00", await BalanceAsync(t, affiliate));
    }
}
