using Remit.Programs;

namespace Remit.Settings;

/// <summary>
/// Which days are payout days under a program's payout settings: the one place that reads payout_frequency and
/// payout_day as a calendar (the portal's "next payout" uses it; the schedule that creates payouts is to use it too).
/// </summary>
public static class PayoutSchedule
{
    /// <summary>
    /// The first payout day on or after <paramref name="today"/> (the program's local date), or null when payouts are
    /// not created on a schedule (auto_create_payouts off). Monthly: day payout_day of the month (1–28, so every month
    /// has it). Weekly: ISO weekday payout_day. Biweekly: that weekday too — which of two weeks is counted from when
    /// the schedule was switched on, which the settings do not record yet, so the nearest such weekday is answered.
    /// </summary>
    public static DateOnly? NextPayoutDay(AffiliateProgram program, DateOnly today) =>
        program.AutoCreatePayouts ? NextPayoutDay(program.PayoutFrequency, program.PayoutDay, today) : null;

    public static DateOnly NextPayoutDay(string frequency, int payoutDay, DateOnly today)
    {
        if (frequency == "monthly")
        {
            var thisMonth = new DateOnly(today.Year, today.Month, Math.Min(payoutDay, DateTime.DaysInMonth(today.Year, today.Month)));
            return thisMonth >= today ? thisMonth : new DateOnly(today.Year, today.Month, 1).AddMonths(1).AddDays(payoutDay - 1);
        }
        // ISO weekday: 1 = Monday … 7 = Sunday; DayOfWeek counts Sunday as 0.
        var isoToday = today.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)today.DayOfWeek;
        return today.AddDays((payoutDay - isoToday + 7) % 7);
    }
}
