using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payouts;

using Api = Remit.Tests.Infrastructure.Api;

public sealed class StatsTests
{
    [Fact]
    public async Task Stats_follow_the_payouts_and_the_programs_calendar_month()
    {
        // 2026-03-15T12:00Z; in Tokyo (UTC+9) March starts at 2026-02-28T15:00Z.
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(timeZone: "Asia/Tokyo");
        var (a1, p1) = await t.PendingPayoutAsync(100m);
        var (_, p2) = await t.PendingPayoutAsync(20.50m);
        await t.CommissionAsync(a1, 5m);
        var p3 = await t.PayoutAsync(a1);
        var (_, p4) = await t.PendingPayoutAsync(7m);
        var (_, p5) = await t.PendingPayoutAsync(3m);
        await t.PostAsync($"/v1/payouts/{p4}/processing");
        await t.PostAsync($"/v1/payouts/{p5}/fail");

        var stats = (await t.GetAsync("/v1/payouts/stats"))["data"]!;
        Assert.Equal("125.50", Api.Raw(stats["total_pending_amount"]));
        Assert.Equal(2, stats["total_pending_count"]!.GetValue<int>()); // a1 has two pending payouts: counted once
        Assert.Equal("0.00", Api.Raw(stats["completed_this_month"]));
        Assert.Equal(1, stats["failed_count"]!.GetValue<int>());
        Assert.Equal("7.00", Api.Raw(stats["processing_amount"]));
        Assert.Equal(1, stats["processing_count"]!.GetValue<int>());
        Assert.Equal("USD", stats["currency"]!.GetValue<string>());

        await t.PostAsync($"/v1/payouts/{p1}/complete");
        // Move the clock to 2026-03-31T16:00Z = April 1st 01:00 in Tokyo: a new month there.
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 3, 31, 16, 0, 0, TimeSpan.Zero));
        await t.PostAsync($"/v1/payouts/{p2}/complete");
        stats = (await t.GetAsync("/v1/payouts/stats"))["data"]!;
        Assert.Equal("20.50", Api.Raw(stats["completed_this_month"]));
        Assert.Equal("5.00", Api.Raw(stats["total_pending_amount"]));
        Assert.Equal(p3, (await t.GetAsync("/v1/payouts?status=pending"))["data"]![0]!["id"]!.GetValue<long>());
    }

    [Fact]
    public async Task Zero_decimal_currencies_show_no_decimals()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(currency: "JPY");
        var (_, payout) = await t.PendingPayoutAsync(1500m);
        Assert.Equal("1500", Api.Raw((await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["amount"]));
        Assert.Equal("1500", Api.Raw((await t.GetAsync("/v1/payouts/stats"))["data"]!["total_pending_amount"]));
        var affiliate = await t.AffiliateAsync();
        var response = await t.Http.PostAsync("/v1/commissions", new StringContent($"{{\"affiliate_id\":{affiliate},\"amount\":10.5}}", System.Text.Encoding.UTF8, "application/json"));
        await Api.ErrorAsync(response, 422, "VALIDATION_ERROR");
    }
}
