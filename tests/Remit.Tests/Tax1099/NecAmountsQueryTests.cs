using Remit.Affiliates;
using Remit.Payouts;
using Remit.Tax1099;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Tax1099;

/// <summary>Box 1 per payee and year, summed by the database: completion dates in the program's zone, returns in their year.</summary>
public sealed class NecAmountsQueryTests
{
    private sealed class Arrange(TestApp app, long programId)
    {
        public async Task<long> AffiliateAsync(string name)
        {
            await using var db = app.Db(programId);
            var affiliate = new Affiliate { ProgramId = programId, Name = name, Email = $"{Guid.NewGuid():N}@example.com", Country = "US" };
            affiliate.RefreshSearchText();
            db.Affiliates.Add(affiliate);
            await db.SaveChangesAsync();
            return affiliate.Id;
        }

        public async Task PayoutAsync(long affiliate, long cents, string method, string status, DateTime? completedAt, DateOnly? returnDate = null)
        {
            await using var db = app.Db(programId);
            db.Payouts.Add(new Payout
            {
                ProgramId = programId, AffiliateId = affiliate, AmountMinor = cents, Currency = "USD", Method = method, Status = status,
                Source = PayoutSource.Manual, CreatedAt = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), CompletedAt = completedAt,
                ReturnDate = returnDate, ReturnedAt = returnDate is null ? null : returnDate.Value.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc),
            });
            await db.SaveChangesAsync();
        }
    }

    private static DateTime Utc(int y, int m, int d, int h = 12, int min = 0) => new(y, m, d, h, min, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Completed_payouts_count_by_local_completion_date_less_returns_in_the_year_of_the_return_paypal_by_the_setting()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("custom", timeZone: "America/New_York");
        var arrange = new Arrange(app, t.ProgramId);

        var bank = await arrange.AffiliateAsync("Bank payee");
        await arrange.PayoutAsync(bank, 1_500_00, "bank", PayoutStatus.Completed, Utc(2026, 6, 1));
        // 23:30 on New Year's Eve in New York is already 2027 in UTC: it belongs to 2026.
        await arrange.PayoutAsync(bank, 500_00, "bank", PayoutStatus.Completed, Utc(2027, 1, 1, 4, 30));
        // 00:30 on January 1st 2026 in New York (05:30 UTC): 2026.
        await arrange.PayoutAsync(bank, 99_99, "bank", PayoutStatus.Completed, Utc(2026, 1, 1, 5, 30));
        // 23:59 on December 31st 2025 in New York (04:59 UTC on January 1st): 2025.
        await arrange.PayoutAsync(bank, 7_00, "bank", PayoutStatus.Completed, Utc(2026, 1, 1, 4, 59));
        // Not completed: never counted.
        await arrange.PayoutAsync(bank, 9_000_00, "bank", PayoutStatus.Pending, null);
        await arrange.PayoutAsync(bank, 9_000_00, "bank", PayoutStatus.Processing, null);

        var paypal = await arrange.AffiliateAsync("PayPal payee");
        await arrange.PayoutAsync(paypal, 3_000_00, "paypal", PayoutStatus.Completed, Utc(2026, 5, 1));

        var returned = await arrange.AffiliateAsync("Returned payee");
        // Completed in 2025, returned in January 2026: counted in 2025, subtracted in 2026.
        await arrange.PayoutAsync(returned, 2_500_00, "bank", PayoutStatus.Completed, Utc(2025, 12, 15), new DateOnly(2026, 1, 10));
        await arrange.PayoutAsync(returned, 2_600_00, "bank", PayoutStatus.Completed, Utc(2026, 2, 1));

        await using var db = app.Db(t.ProgramId);
        var excluded = await NecAmountsQuery.ComputeAsync(db, 2026, includePayPal: false, default);
        Assert.Equal([bank, returned], excluded.Select(p => p.AffiliateId));
        Assert.Equal(2_099_99m, excluded[0].NetCents);
        Assert.Equal(2_600_00m, excluded[1].PaidCents);
        Assert.Equal(2_500_00m, excluded[1].ReturnedCents);
        Assert.Equal(100_00m, excluded[1].NetCents);

        var included = await NecAmountsQuery.ComputeAsync(db, 2026, includePayPal: true, default);
        Assert.Equal([bank, paypal, returned], included.Select(p => p.AffiliateId));
        Assert.Equal(3_000_00m, included[1].NetCents);

        var year2025 = await NecAmountsQuery.ComputeAsync(db, 2025, includePayPal: false, default);
        Assert.Equal([bank, returned], year2025.Select(p => p.AffiliateId));
        Assert.Equal(7_00m, year2025[0].NetCents);
        Assert.Equal(2_500_00m, year2025[1].NetCents);
    }
}
