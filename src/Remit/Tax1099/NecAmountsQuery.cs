using Microsoft.EntityFrameworkCore;
using Remit.Data;
using Remit.Payouts;
using Remit.Programs;

namespace Remit.Tax1099;

/// <summary>What one payee was paid in a tax year, in cents: completed payouts less the returns of that year.</summary>
/// <param name="PaidCents">Payouts completed in the year (by completion date in the program's time zone).</param>
/// <param name="ReturnedCents">Payouts returned in the year (by the return's date), whenever they were completed.</param>
public sealed record NecPayeeAmount(long AffiliateId, decimal PaidCents, decimal ReturnedCents)
{
    /// <summary>Box 1: what stayed paid. A return counts in the year of its date, so a return in January of a payout
    /// completed in December lowers the new year, not the filed one.</summary>
    public decimal NetCents => PaidCents - ReturnedCents;
}

/// <summary>
/// The payees of a tax year and their box 1 amounts, summed by the database (two GROUP BY queries, one row per payee
/// each), never by loading payouts. The year's bounds are the program's local midnights of January 1st, computed here
/// through <see cref="ZoneCalendar"/> like every other date filter. A return's date is the bank's calendar date, so it
/// is compared as a date. PayPal payouts are left out unless the program includes them (PayPal reports them on
/// 1099-K): then a payee paid only through PayPal has no row at all, and is not listed.
/// </summary>
public static class NecAmountsQuery
{
    public static async Task<IReadOnlyList<NecPayeeAmount>> ComputeAsync(RemitDb db, int year, bool includePayPal, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        var zone = ZoneCalendar.Zone(program);
        var start = ZoneCalendar.StartOfDayUtc(new DateOnly(year, 1, 1), zone);
        var end = ZoneCalendar.StartOfDayUtc(new DateOnly(year + 1, 1, 1), zone);
        DateOnly firstDay = new(year, 1, 1), lastDay = new(year, 12, 31);

        var counted = db.Payouts.Where(p => p.Status == PayoutStatus.Completed && (includePayPal || p.Method != PayoutMethods.PayPal));
        var paid = await counted
            .Where(p => p.CompletedAt >= start && p.CompletedAt < end)
            .GroupBy(p => p.AffiliateId)
            .Select(g => new { AffiliateId = g.Key, Cents = g.Sum(p => (decimal)p.AmountMinor) })
            .ToDictionaryAsync(g => g.AffiliateId, g => g.Cents, ct);
        var returned = await counted
            .Where(p => p.ReturnDate >= firstDay && p.ReturnDate <= lastDay)
            .GroupBy(p => p.AffiliateId)
            .Select(g => new { AffiliateId = g.Key, Cents = g.Sum(p => (decimal)p.AmountMinor) })
            .ToDictionaryAsync(g => g.AffiliateId, g => g.Cents, ct);

        return paid.Keys.Union(returned.Keys).Order()
            .Select(id => new NecPayeeAmount(id, paid.GetValueOrDefault(id), returned.GetValueOrDefault(id)))
            .ToList();
    }
}
