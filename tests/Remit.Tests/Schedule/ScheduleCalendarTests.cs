using Microsoft.Extensions.Time.Testing;
using Remit.Programs;
using Remit.Schedule;

namespace Remit.Tests.Schedule;

/// <summary>
/// Which days are payout days, and from which instant a day is due in the program's time zone: pure date arithmetic,
/// with a fake clock, no database.
/// </summary>
public sealed class ScheduleCalendarTests
{
    private static DateOnly D(string iso) => DateOnly.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every payout day from <paramref name="from"/> to <paramref name="to"/>, found one after another as the schedule finds them.</summary>
    private static List<string> Days(string frequency, int payoutDay, string since, string from, string to)
    {
        var days = new List<string>();
        for (var day = ScheduleCalendar.FirstOnOrAfter(frequency, payoutDay, D(since), D(from)); day is { } d && d <= D(to);
             day = ScheduleCalendar.FirstOnOrAfter(frequency, payoutDay, D(since), d.AddDays(1)))
            days.Add(d.ToString("yyyy-MM-dd"));
        return days;
    }

    [Fact]
    public void Weekly_pays_on_the_iso_weekday_across_month_and_year_ends()
    {
        // 1 = Monday: 2026-12-28, then 2027-01-04 across the year's end; Sunday is 7.
        Assert.Equal(["2026-12-21", "2026-12-28", "2027-01-04", "2027-01-11"], Days("weekly", 1, "2026-12-15", "2026-12-15", "2027-01-12"));
        Assert.Equal(["2026-01-25", "2026-02-01", "2026-02-08"], Days("weekly", 7, "2026-01-20", "2026-01-20", "2026-02-10"));
        // The latest payout day up to a date, as the run picks it.
        Assert.Equal(D("2026-01-26"), ScheduleCalendar.LatestOnOrBefore("weekly", 1, D("2026-01-01"), D("2026-02-01")));
        Assert.Equal(D("2026-02-02"), ScheduleCalendar.LatestOnOrBefore("weekly", 1, D("2026-01-01"), D("2026-02-02")));
    }

    [Fact]
    public void Biweekly_counts_every_second_week_from_the_week_it_was_switched_on_across_a_53_week_year()
    {
        // Switched on Wednesday 2026-12-16 (ISO week 51 of 2026, a year of 53 ISO weeks): that week is a payout week, so
        // Friday the 18th pays, then every 14 days — 1 January 2027 (week 53) and 15 January (week 2 of 2027), where
        // counting ISO week numbers' parity would have gone wrong.
        Assert.Equal(["2026-12-18", "2027-01-01", "2027-01-15", "2027-01-29"], Days("biweekly", 5, "2026-12-16", "2026-12-16", "2027-02-05"));
        // Switched on after that week's payout day: the first payout is two weeks on, never the next week.
        Assert.Equal(["2027-01-01", "2027-01-15"], Days("biweekly", 5, "2026-12-19", "2026-12-19", "2027-01-20"));
        Assert.False(ScheduleCalendar.IsPayoutDay("biweekly", 5, D("2026-12-16"), D("2026-12-25")));
        Assert.Equal(D("2027-01-01"), ScheduleCalendar.LatestOnOrBefore("biweekly", 5, D("2026-12-16"), D("2027-01-14")));
    }

    [Fact]
    public void Monthly_pays_on_the_day_or_the_months_last_day_across_month_ends_and_leap_years()
    {
        Assert.Equal(["2026-11-01", "2026-12-01", "2027-01-01"], Days("monthly", 1, "2026-10-15", "2026-10-15", "2027-01-15"));
        // 28 is in every month: 28 February in a leap year too, not the 29th.
        Assert.Equal(["2026-01-28", "2026-02-28", "2026-03-28"], Days("monthly", 28, "2026-01-01", "2026-01-01", "2026-03-31"));
        Assert.Equal(["2028-01-28", "2028-02-28", "2028-03-28"], Days("monthly", 28, "2028-01-01", "2028-01-01", "2028-03-31"));
        // A day the month lacks is its last day: 28 February, 29 in a leap year, 30 April.
        Assert.Equal(["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"], Days("monthly", 31, "2026-01-01", "2026-01-01", "2026-05-01"));
        Assert.Equal(["2028-01-31", "2028-02-29", "2028-03-31"], Days("monthly", 31, "2028-01-01", "2028-01-01", "2028-04-01"));
        Assert.Equal(["2028-02-29", "2028-03-30"], Days("monthly", 30, "2028-02-01", "2028-02-01", "2028-04-01"));
    }

    [Fact]
    public void A_leap_day_is_a_payout_day_like_any_other()
    {
        // 2028-02-29 is a Tuesday.
        Assert.True(ScheduleCalendar.IsPayoutDay("weekly", 2, D("2028-01-01"), D("2028-02-29")));
        Assert.Equal(D("2028-02-29"), ScheduleCalendar.LatestOnOrBefore("weekly", 2, D("2028-01-01"), D("2028-03-06")));
        Assert.Equal(D("2028-03-07"), ScheduleCalendar.FirstOnOrAfter("weekly", 2, D("2028-01-01"), D("2028-03-01")));
    }

    [Fact]
    public void Days_before_the_schedule_was_switched_on_are_never_due_and_the_day_it_was_is()
    {
        // Switched on Tuesday 2026-01-06: Monday the 5th is not due, however late the run.
        Assert.Null(ScheduleCalendar.LatestOnOrBefore("weekly", 1, D("2026-01-06"), D("2026-01-11")));
        Assert.Equal(D("2026-01-12"), ScheduleCalendar.FirstOnOrAfter("weekly", 1, D("2026-01-06"), D("2026-01-06")));
        // Switched on during a payout day: that day is due.
        Assert.Equal(D("2026-01-05"), ScheduleCalendar.LatestOnOrBefore("weekly", 1, D("2026-01-05"), D("2026-01-05")));
        Assert.Null(ScheduleCalendar.LatestOnOrBefore("monthly", 15, D("2026-03-16"), D("2026-04-14")));
    }

    public static TheoryData<string, string, int, string, string, string> Transitions => new()
    {
        // Santiago: clocks jump from 00:00 to 01:00 on Sunday 6 September 2026, so that day starts at 01:00 -03 (04:00Z).
        { "America/Santiago", "weekly", 7, "2026-09-06T04:00:00Z", "2026-09-06", "2026-08-30" },
        // Havana: on Sunday 1 November 2026 clocks go back from 01:00 to 00:00, so midnight happens twice: the day
        // starts at the first one (00:00 -04, 04:00Z), an hour before the second.
        { "America/Havana", "monthly", 1, "2026-11-01T04:00:00Z", "2026-11-01", "2026-10-01" },
        // New York: daylight saving began at 02:00 on 8 March, so Monday the 9th starts at 00:00 -04 (04:00Z), an hour
        // earlier in UTC than the Monday before (05:00Z).
        { "America/New_York", "weekly", 1, "2026-03-09T04:00:00Z", "2026-03-09", "2026-03-02" },
        // And a day with no change, east of Greenwich: Tokyo's midnight is 15:00Z the day before.
        { "Asia/Tokyo", "monthly", 1, "2026-03-31T15:00:00Z", "2026-04-01", "2026-03-01" },
    };

    /// <summary>
    /// A payout day is due from the first instant of that day in the program's time zone, through daylight-saving
    /// changes: a tick before it the previous payout day is still the latest due, at it the day itself is.
    /// </summary>
    [Theory]
    [MemberData(nameof(Transitions))]
    public void A_payout_day_is_due_from_its_first_instant_in_the_programs_time_zone(string zone, string frequency, int payoutDay,
        string dueAtUtc, string day, string dayBefore)
    {
        var program = new AffiliateProgram
        {
            Name = "Zone", Plan = Plans.Basic, TimeZone = zone, PayoutFrequency = frequency, PayoutDay = payoutDay,
            AutoCreatePayouts = true, ScheduleSince = new DateTime(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc),
        };
        var dueAt = DateTimeOffset.Parse(dueAtUtc, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(dueAt.UtcDateTime, ZoneCalendar.StartOfDayUtc(D(day), ZoneCalendar.Zone(zone)));

        var clock = new FakeTimeProvider(dueAt.AddTicks(-1));
        Assert.Equal(D(dayBefore), PayoutSchedule.DueDay(program, clock.GetUtcNow().UtcDateTime));
        clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(D(day), PayoutSchedule.DueDay(program, clock.GetUtcNow().UtcDateTime));
        // Still that day an hour on (past Havana's second midnight).
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(D(day), PayoutSchedule.DueDay(program, clock.GetUtcNow().UtcDateTime));
    }

    [Fact]
    public void Nothing_is_due_while_the_schedule_is_off()
    {
        var program = new AffiliateProgram
        {
            Name = "Off", Plan = Plans.Basic, PayoutFrequency = "weekly", PayoutDay = 1, AutoCreatePayouts = false,
            ScheduleSince = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc),
        };
        Assert.Null(PayoutSchedule.DueDay(program, new DateTime(2026, 3, 2, 12, 0, 0, DateTimeKind.Utc)));
        program.AutoCreatePayouts = true;
        Assert.Equal(D("2026-03-02"), PayoutSchedule.DueDay(program, new DateTime(2026, 3, 2, 12, 0, 0, DateTimeKind.Utc)));
    }
}
