using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Remit.Data;
using Remit.Programs;

namespace Remit.Payouts;

/// <summary>One calendar month of the program's time zone and what was paid out in it, in minor units.</summary>
/// <param name="AmountMinor">A decimal: a month of payouts may sum past a long.</param>
public sealed record MonthPaid(DateOnly Month, decimal AmountMinor);

/// <summary>
/// Amounts of completed payouts per calendar month, the current month and the eleven before it, in the program's
/// time zone. The database sums them in one query: the months' boundaries are computed here (a local midnight is
/// a different UTC instant in each month when daylight saving changes), and the database buckets each payout by
/// them, so no provider-specific time-zone function is needed.
/// </summary>
public static class PaidByMonthQuery
{
    public const int Months = 12;

    public static async Task<IReadOnlyList<MonthPaid>> ComputeAsync(RemitDb db, TimeProvider clock, CancellationToken ct)
    {
        var program = await db.CurrentProgramAsync(ct);
        var zone = ZoneCalendar.Zone(program);
        var thisMonth = ZoneCalendar.MonthOf(clock.GetUtcNow().UtcDateTime, zone);
        var months = Enumerable.Range(0, Months).Select(i => thisMonth.AddMonths(i - Months + 1)).ToArray();
        var bounds = months.Append(thisMonth.AddMonths(1)).Select(m => (DateTime?)ZoneCalendar.StartOfDayUtc(m, zone)).ToArray();

        var sums = await db.Payouts
            .Where(p => p.Status == PayoutStatus.Completed && p.CompletedAt >= bounds[0] && p.CompletedAt < bounds[Months])
            .GroupBy(MonthIndex(bounds))
            .Select(g => new { Index = g.Key, Sum = g.Sum(p => (decimal)p.AmountMinor) })
            .ToListAsync(ct);
        return months.Select((m, i) => new MonthPaid(m, sums.Where(s => s.Index == i).Sum(s => s.Sum))).ToList();
    }

    /// <summary>p => p.CompletedAt &lt; bounds[1] ? 0 : p.CompletedAt &lt; bounds[2] ? 1 : … : 11, a CASE in SQL.</summary>
    private static Expression<Func<Payout, int>> MonthIndex(DateTime?[] bounds)
    {
        var p = Expression.Parameter(typeof(Payout), "p");
        var completedAt = Expression.Property(p, nameof(Payout.CompletedAt));
        Expression index = Expression.Constant(Months - 1);
        for (var i = Months - 2; i >= 0; i--)
            index = Expression.Condition(
                Expression.LessThan(completedAt, Expression.Constant(bounds[i + 1], typeof(DateTime?))),
                Expression.Constant(i), index);
        return Expression.Lambda<Func<Payout, int>>(index, p);
    }
}
