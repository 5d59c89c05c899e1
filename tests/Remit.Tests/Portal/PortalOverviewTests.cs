using System.Net.Http.Json;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Portal;

/// <summary>The overview: whose account it is, payable now, on hold until when, on its way, the next payout day.</summary>
public sealed class PortalOverviewTests
{
    [Fact]
    public async Task The_overview_names_the_affiliate_and_shows_what_is_payable_on_hold_and_next()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(name: "Bookshop", timeZone: "America/New_York");
        await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { payout_frequency = "monthly", payout_day = 1, min_payout = 50, hold_days = 30, auto_create_payouts = true });
        var affiliate = await t.AffiliateAsync("Grace Hopper");
        var start = TestApp.Start.UtcDateTime; // 2026-03-15 12:00 UTC
        await t.CommissionAsync(affiliate, 100m, earnedAt: start.AddDays(-40));         // payable
        await t.CommissionAsync(affiliate, 20m, earnedAt: start.AddDays(-10));          // payable from 2026-04-04
        await t.CommissionAsync(affiliate, 5m, earnedAt: start.AddDays(-10).AddHours(1)); // the same day
        await t.CommissionAsync(affiliate, 7.5m, earnedAt: start.AddDays(-2));          // payable from 2026-04-12
        var other = await t.AffiliateAsync("Someone Else");
        await t.CommissionAsync(other, 999m, earnedAt: start.AddDays(-40));

        var http = await PortalHttp.SignedInAsync(app, t, affiliate);
        var page = await PortalHttp.PageAsync(http, "/portal");
        Assert.Contains("Hello, Grace Hopper", page);
        Assert.Contains("Bookshop", page);
        Assert.Contains("data-testid=\"payable\">100.00 USD<", page);
        Assert.Contains("<td><time>2026-04-04</time></td>\n                    <td class=\"num\">25.00 USD</td>", page.Replace("\r", ""));
        Assert.Contains("<td><time>2026-04-12</time></td>\n                    <td class=\"num\">7.50 USD</td>", page.Replace("\r", ""));
        Assert.Contains("data-testid=\"next-payout\"><time>2026-04-01</time><", page);
        Assert.DoesNotContain("999", page);

        // Paid out: payable moves to "on its way".
        await t.PayoutAsync(affiliate);
        page = await PortalHttp.PageAsync(http, "/portal");
        Assert.Contains("data-testid=\"payable\">0.00 USD<", page);
        Assert.Contains("data-testid=\"on-its-way\">100.00 USD<", page);
    }

    [Theory]
    [InlineData("monthly", 1, "2026-03-15", "2026-04-01")]
    [InlineData("monthly", 15, "2026-03-15", "2026-03-15")]
    [InlineData("monthly", 28, "2026-02-28", "2026-02-28")]
    [InlineData("monthly", 28, "2026-12-29", "2027-01-28")]
    [InlineData("weekly", 1, "2026-03-15", "2026-03-16")] // a Sunday: the next Monday
    [InlineData("weekly", 7, "2026-03-15", "2026-03-15")]
    // Biweekly weeks count from the week the schedule was switched on (here: today, a Thursday, after that week's
    // Wednesday), so the next is two weeks on, not the nearest Wednesday.
    [InlineData("biweekly", 3, "2026-03-19", "2026-04-01")]
    public void The_next_payout_day_follows_the_frequency_and_day(string frequency, int day, string today, string expected) =>
        Assert.Equal(DateOnly.Parse(expected), Remit.Schedule.ScheduleCalendar.FirstOnOrAfter(frequency, day, DateOnly.Parse(today), DateOnly.Parse(today)));
}
