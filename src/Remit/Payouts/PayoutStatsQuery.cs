using Microsoft.EntityFrameworkCore;
using Remit.Api;
using Remit.Data;
using Remit.Programs;
using Remit.Requests;

namespace Remit.Payouts;

/// <summary>The dashboard's metric cards and GET /v1/payouts/stats: one definition, summed by the database.</summary>
public static class PayoutStatsQuery
{
    public static async Task<PayoutStats> ComputeAsync(RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        var zone = ZoneCalendar.Zone(program);
        var thisMonth = ZoneCalendar.MonthOf(clock.GetUtcNow().UtcDateTime, zone);
        var monthStart = ZoneCalendar.StartOfDayUtc(thisMonth, zone);
        var nextMonth = ZoneCalendar.StartOfDayUtc(thisMonth.AddMonths(1), zone);

        // Only the statuses the cards show are summed: completed payouts (most rows, in a program of some age) are
        // summed for this month only, below, through the completion-date index.
        // Each sum is two integer sums, of the amounts' high and low 32 bits (see Split), not one decimal SUM: on SQLite
        // a decimal SUM is EF's own aggregate called back into .NET for every row (6× the raw query at 10,000 payouts),
        // and these sums cover the whole program. Exact all the same, past a long too (rows from before the caps).
        var byStatus = await db.Payouts.Where(p => p.Status == PayoutStatus.Pending || p.Status == PayoutStatus.Processing)
            .GroupBy(p => p.Status)
            .Select(g => new { Status = g.Key, Count = g.Count(), High = g.Sum(p => p.AmountMinor / Split), Low = g.Sum(p => p.AmountMinor % Split) })
            .ToListAsync(ct);
        var failed = await db.Payouts.CountAsync(p => p.Status == PayoutStatus.Failed, ct);
        var pendingAffiliates = await db.Payouts.Where(p => p.Status == PayoutStatus.Pending)
            .Select(p => p.AffiliateId).Distinct().CountAsync(ct);
        var completed = await db.Payouts
            .Where(p => p.Status == PayoutStatus.Completed && p.CompletedAt >= monthStart && p.CompletedAt < nextMonth)
            .GroupBy(p => 1).Select(g => new { High = g.Sum(p => p.AmountMinor / Split), Low = g.Sum(p => p.AmountMinor % Split) })
            .SingleOrDefaultAsync(ct);
        var completedThisMonth = completed is null ? 0 : Join(completed.High, completed.Low);
        var pendingRequests = await db.PayoutRequests.CountAsync(r => r.Status == RequestStatus.Pending, ct);

        decimal Sum(string status) => byStatus.Where(s => s.Status == status).Sum(s => Join(s.High, s.Low));
        int Count(string status) => byStatus.Where(s => s.Status == status).Sum(s => s.Count);
        var currency = program.Currency;
        return new PayoutStats(
            Money.ToDecimal(Sum(PayoutStatus.Pending), currency), pendingAffiliates,
            Money.ToDecimal(completedThisMonth, currency), failed, pendingRequests,
            Money.ToDecimal(Sum(PayoutStatus.Processing), currency), Count(PayoutStatus.Processing), currency);
    }

    /// <summary>
    /// 2^32. An amount is Split × (amount / Split) + (amount % Split) exactly (integer division truncates and the remainder
    /// keeps the dividend's sign, on both databases); the quotient is below 2^31 and the remainder below 2^32, so neither
    /// column's sum can overflow a long for fewer than 2^31 payouts.
    /// </summary>
    private const long Split = 4_294_967_296;

    private static decimal Join(long high, long low) => (decimal)high * Split + low;
}
