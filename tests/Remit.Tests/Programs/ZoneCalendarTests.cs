using NodaTime;
using Remit.Programs;

namespace Remit.Tests.Programs;

/// <summary>The day-start rule over every IANA zone: a pure function, so it is walked exhaustively here, not over HTTP.</summary>
public sealed class ZoneCalendarTests
{
    /// <summary>
    /// For every zone the system or NodaTime knows, every day next to each offset change of 2026 (and 2011, when
    /// Samoa skipped a whole day) starts at an instant whose local date is that day or later, while the instant
    /// just before it is still an earlier day: the day's first instant, never an exception. The system's zone data
    /// (which pages and files use to show times) agrees on both sides of each boundary.
    /// </summary>
    [Fact]
    public void Every_zone_starts_each_day_around_its_transitions_at_the_first_instant_of_that_day()
    {
        var ids = DateTimeZoneProviders.Tzdb.Ids.Union(TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id)).ToList();
        var failures = new List<string>();
        var checkedDays = 0;
        foreach (var id in ids)
        {
            var zone = ZoneCalendar.Zone(id);
            foreach (var day in TransitionDays(zone, 2011).Concat(TransitionDays(zone, 2026)))
            {
                checkedDays++;
                string outcome;
                try
                {
                    var start = Instant.FromDateTimeUtc(ZoneCalendar.StartOfDayUtc(day, zone));
                    var first = Local(start.InZone(zone).Date);
                    var before = Local(start.Minus(Duration.FromTicks(1)).InZone(zone).Date);
                    outcome = first >= day && before < day ? "" : $"starts {start} (local {first}, a tick earlier {before})";
                    // Pages and files show times through the system's zone data: it must put the boundary in the same place.
                    if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var system)
                        && (SystemDate(start, system) != first || SystemDate(start.Minus(Duration.FromTicks(1)), system) != before))
                        outcome += $" where the system's zone data disagrees at {start}";
                    var next = Instant.FromDateTimeUtc(ZoneCalendar.StartOfDayUtc(day.AddDays(1), zone));
                    if (next < start) outcome += $" after the next day's start {next}";
                }
                catch (Exception e)
                {
                    outcome = e.GetType().Name;
                }
                if (outcome.Length > 0) failures.Add($"{id} {day:yyyy-MM-dd}: {outcome}");
            }
        }
        Assert.True(ids.Count > 400, $"only {ids.Count} zones");
        Assert.True(checkedDays > 1000, $"only {checkedDays} days");
        Assert.Empty(failures);
    }

    [Theory]
    // Midnight is skipped: Chile moves 00:00 to 01:00 (-04 → -03) on the first Sunday of September.
    [InlineData("America/Santiago", "2026-09-06", "2026-09-06T04:00:00Z")]
    // Clocks go back from 24:00 to 23:00 the evening before: the day starts at the one midnight there is.
    [InlineData("America/Santiago", "2026-04-05", "2026-04-05T04:00:00Z")]
    // Midnight happens twice (01:00 CDT back to 00:00 CST): the earlier one.
    [InlineData("America/Havana", "2026-11-01", "2026-11-01T04:00:00Z")]
    // 2011-12-30 does not exist in Samoa: it is empty, starting where the 31st starts.
    [InlineData("Pacific/Apia", "2011-12-30", "2011-12-30T10:00:00Z")]
    [InlineData("Pacific/Apia", "2011-12-31", "2011-12-30T10:00:00Z")]
    [InlineData("UTC", "9999-01-01", "9999-01-01T00:00:00Z")]
    // East of Greenwich the first day of year 1 began before DateTime's first instant: clamped to it.
    [InlineData("Asia/Tokyo", "0001-01-01", "0001-01-01T00:00:00Z")]
    public void Known_days_start_at_their_first_instant(string zoneId, string day, string expected)
    {
        var start = ZoneCalendar.StartOfDayUtc(DateOnly.Parse(day), ZoneCalendar.Zone(zoneId));
        Assert.Equal(DateTimeKind.Utc, start.Kind);
        Assert.Equal(expected, start.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
    }

    [Fact]
    public void The_month_of_an_instant_is_the_zones_month()
    {
        // 2026-04-30T23:30Z is already May in Auckland and still April in Los Angeles.
        var instant = new DateTime(2026, 4, 30, 23, 30, 0, DateTimeKind.Utc);
        Assert.Equal(new DateOnly(2026, 5, 1), ZoneCalendar.MonthOf(instant, ZoneCalendar.Zone("Pacific/Auckland")));
        Assert.Equal(new DateOnly(2026, 4, 1), ZoneCalendar.MonthOf(instant, ZoneCalendar.Zone("America/Los_Angeles")));
    }

    /// <summary>The local days on either side of each offset change in the year (as both offsets read them).</summary>
    private static IEnumerable<DateOnly> TransitionDays(DateTimeZone zone, int year)
    {
        var from = Instant.FromUtc(year, 1, 1, 0, 0);
        var to = Instant.FromUtc(year + 1, 1, 1, 0, 0);
        var days = new SortedSet<DateOnly>();
        foreach (var interval in zone.GetZoneIntervals(from, to).Where(i => i.HasStart && i.Start > from))
        {
            var before = zone.GetUtcOffset(interval.Start.Minus(Duration.FromSeconds(1)));
            foreach (var offset in new[] { before, interval.WallOffset })
            {
                var date = Local(interval.Start.WithOffset(offset).Date);
                days.Add(date.AddDays(-1));
                days.Add(date);
                days.Add(date.AddDays(1));
            }
        }
        return days;
    }

    private static DateOnly Local(LocalDate date) => new(date.Year, date.Month, date.Day);

    private static DateOnly SystemDate(Instant instant, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(instant.ToDateTimeUtc(), zone));
}
