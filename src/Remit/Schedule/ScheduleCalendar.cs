namespace Remit.Schedule;

/// <summary>
/// Which calendar days (of the program's time zone) are payout days: the one rule behind the scheduled run, the
/// CLI's <c>--as-of</c> and <c>next_payout_date</c>. Pure date arithmetic on local dates; the instant a day begins is
/// <see cref="Programs.ZoneCalendar"/>'s.
/// </summary>
public static class ScheduleCalendar
{
    public const string Weekly = "weekly", Biweekly = "biweekly", Monthly = "monthly";

    /// <summary>Monthly days are at most 31 apart (31 Jan → 28 Feb → 31 Mar), weekly ones 14: a search never needs more.</summary>
    private const int Horizon = 62;

    /// <summary>
    /// Weekly: ISO weekday <paramref name="payoutDay"/> (1 Monday … 7 Sunday). Biweekly: that weekday in every second
    /// ISO week counted from the week of <paramref name="since"/> (its week is week 0, a payout week). Monthly: day
    /// <paramref name="payoutDay"/> of the month, or the month's last day when the month is shorter (31 → 30 April,
    /// 28 or 29 February). Days before <paramref name="since"/> are never payout days.
    /// </summary>
    public static bool IsPayoutDay(string frequency, int payoutDay, DateOnly since, DateOnly day)
    {
        if (day < since) return false;
        return frequency switch
        {
            Weekly => IsoWeekday(day) == payoutDay,
            Biweekly => IsoWeekday(day) == payoutDay && (Monday(day).DayNumber - Monday(since).DayNumber) / 7 % 2 == 0,
            Monthly => day.Day == Math.Min(payoutDay, DateTime.DaysInMonth(day.Year, day.Month)),
            _ => false,
        };
    }

    /// <summary>The latest payout day from <paramref name="since"/> up to and including <paramref name="today"/>, if any.</summary>
    public static DateOnly? LatestOnOrBefore(string frequency, int payoutDay, DateOnly since, DateOnly today)
    {
        for (var day = today; day >= since && today.DayNumber - day.DayNumber <= Horizon; day = day.AddDays(-1))
            if (IsPayoutDay(frequency, payoutDay, since, day)) return day;
        return null;
    }

    /// <summary>The first payout day on or after <paramref name="from"/> (and never before <paramref name="since"/>).</summary>
    public static DateOnly? FirstOnOrAfter(string frequency, int payoutDay, DateOnly since, DateOnly from)
    {
        var start = from < since ? since : from;
        for (var day = start; day.DayNumber - start.DayNumber <= Horizon && day.Year <= Programs.ZoneCalendar.MaxYear; day = day.AddDays(1))
            if (IsPayoutDay(frequency, payoutDay, since, day)) return day;
        return null;
    }

    public static int IsoWeekday(DateOnly day) => day.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)day.DayOfWeek;

    private static DateOnly Monday(DateOnly day) => day.AddDays(1 - IsoWeekday(day));
}
