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
        var byStatus = await db.Payouts.Where(p => p.Status == PayoutStatus.Pending || p.Status == PayoutStatus.Processing)
            .GroupBy(p => p.Status)
            .Select(g => new { Status = g.Key, Count = g.Count(), Sum = g.Sum(p => (decimal)p.AmountMinor) })
            .ToListAsync(ct);
        var failed = await db.Payouts.CountAsync(p => p.Status == PayoutStatus.Failed, ct);
        var pendingAffiliates = await db.Payouts.Where(p => p.Status == PayoutStatus.Pending)
            .Select(p => p.AffiliateId).Distinct().CountAsync(ct);
        var completedThisMonth = await db.Payouts
            .Where(p => p.Status == PayoutStatus.Completed && p.CompletedAt >= monthStart && p.CompletedAt < nextMonth)
            .SumAsync(p => (decimal)p.AmountMinor, ct);
        var pendingRequests = await db.PayoutRequests.CountAsync(r => r.Status == RequestStatus.Pending, ct);

        decimal Sum(string status) => byStatus.Where(s => s.Status == status).Sum(s => s.Sum);
        int Count(string status) => byStatus.Where(s => s.Status == status).Sum(s => s.Count);
        var currency = program.Currency;
        return new PayoutStats(
            Money.ToDecimal(Sum(PayoutStatus.Pending), currency), pendingAffiliates,
            Money.ToDecimal(completedThisMonth, currency), failed, pendingRequests,
            Money.ToDecimal(Sum(PayoutStatus.Processing), currency), Count(PayoutStatus.Processing), currency);
    }
}
