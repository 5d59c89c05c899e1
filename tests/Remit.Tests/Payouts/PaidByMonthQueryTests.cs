using Microsoft.EntityFrameworkCore;
using Remit.Payouts;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payouts;

public sealed class PaidByMonthQueryTests
{
    [Fact]
    public async Task Months_are_the_programs_calendar_months_summed_by_the_database()
    {
        // Now is 2026-03-15T12:00Z. In Tokyo (UTC+9) March starts at 2026-02-28T15:00Z.
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync(timeZone: "Asia/Tokyo");
        var (_, lastDayOfFebruary) = await t.PendingPayoutAsync(10m);
        var (_, firstHourOfMarch) = await t.PendingPayoutAsync(20m);
        var (_, aYearAgo) = await t.PendingPayoutAsync(40m);
        var (_, inApril) = await t.PendingPayoutAsync(80m);
        var (_, notCompleted) = await t.PendingPayoutAsync(160m);
        await CompleteAtAsync(app, t, lastDayOfFebruary, new(2026, 2, 28, 14, 59, 0, TimeSpan.Zero));
        await CompleteAtAsync(app, t, firstHourOfMarch, new(2026, 2, 28, 15, 0, 0, TimeSpan.Zero));
        await CompleteAtAsync(app, t, aYearAgo, new(2025, 3, 31, 15, 30, 0, TimeSpan.Zero)); // 2025-04-01 00:30 in Tokyo
        await CompleteAtAsync(app, t, inApril, new(2025, 3, 31, 14, 30, 0, TimeSpan.Zero)); // still March 2025 there: too old
        await t.PostAsync($"/v1/payouts/{notCompleted}/processing");

        await using var db = app.Db(t.ProgramId);
        var months = await PaidByMonthQuery.ComputeAsync(db, app.Clock, CancellationToken.None);

        Assert.Equal(12, months.Count);
        Assert.Equal(new DateOnly(2025, 4, 1), months[0].Month);
        Assert.Equal(new DateOnly(2026, 3, 1), months[^1].Month);
        Assert.Equal(4000, months[0].AmountMinor);
        Assert.Equal(1000, months[^2].AmountMinor);
        Assert.Equal(2000, months[^1].AmountMinor);
        Assert.Equal(7000, months.Sum(m => m.AmountMinor));
    }

    /// <summary>Completes through the API, then moves the completion into the past (the test clock only goes forward).</summary>
    private static async Task CompleteAtAsync(TestApp app, Tenant t, long payout, DateTimeOffset at)
    {
        await t.PostAsync($"/v1/payouts/{payout}/complete");
        await using var db = app.Db(t.ProgramId);
        await db.Payouts.Where(p => p.Id == payout).ExecuteUpdateAsync(s => s.SetProperty(p => p.CompletedAt, at.UtcDateTime));
    }
}
