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

        // The running totals the payouts' triggers keep (PayoutTotals): a few rows, however many payouts the program
        // has, where summing the payouts themselves took most of a second at a million.
        var totals = await db.PayoutTotals.AsNoTracking().SingleOrDefaultAsync(ct) ?? new PayoutTotals();
        if (!PayoutCompletedSlot.Starts(monthStart) || !PayoutCompletedSlot.Starts(nextMonth))
            throw new InvalidOperationException($"The month in {program.TimeZone} does not start on a quarter hour.");
        var (first, last) = (PayoutCompletedSlot.Of(monthStart), PayoutCompletedSlot.Of(nextMonth));
        var completed = await db.PayoutCompletedSlots.Where(s => s.Slot >= first && s.Slot < last)
            .GroupBy(s => 1).Select(g => new { High = g.Sum(s => s.High), Low = g.Sum(s => s.Low) })
            .SingleOrDefaultAsync(ct);
        var completedThisMonth = completed is null ? 0 : Join(completed.High, completed.Low);
        var pendingRequests = await db.PayoutRequests.CountAsync(r => r.Status == RequestStatus.Pending, ct);

        var currency = program.Currency;
        return new PayoutStats(
            Money.ToDecimal(Join(totals.PendingHigh, totals.PendingLow), currency), checked((int)totals.PendingAffiliates),
            Money.ToDecimal(completedThisMonth, currency), checked((int)totals.FailedCount), pendingRequests,
            Money.ToDecimal(Join(totals.ProcessingHigh, totals.ProcessingLow), currency), checked((int)totals.ProcessingCount), currency);
    }

    /// <summary>
    /// 2^32. The totals keep an amount as Split × (amount / Split) + (amount % Split), exactly (integer division truncates
    /// and the remainder keeps the dividend's sign, on both databases); the quotient is below 2^31 and the remainder
    /// below 2^32, so neither sum can overflow a long for fewer than 2^31 payouts.
    /// </summary>
    public const long Split = 4_294_967_296;

    public static decimal Join(long high, long low) => (decimal)high * Split + low;
}
