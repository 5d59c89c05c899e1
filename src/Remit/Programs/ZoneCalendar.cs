using System.Collections.Concurrent;
using NodaTime;
using NodaTime.TimeZones;

namespace Remit.Programs;

/// <summary>
/// Calendar days of a program's time zone as UTC instants: the one rule behind date filters, "this month" in the
/// stats and the chart's months. A day starts at its first instant: local midnight when it exists once, the end of
/// the gap when midnight is skipped (America/Santiago in September), the earlier of two midnights when the clocks go
/// back over it (America/Havana in November), and the next day's start when the whole day is skipped
/// (Pacific/Apia, 2011-12-30), so such a day is an empty range.
/// </summary>
/// <remarks>
/// NodaTime rather than TimeZoneInfo alone: TimeZoneInfo throws for a skipped local time and reads an ambiguous one
/// as standard time (the later instant), so "first instant of the day" would be hand-written search over its
/// adjustment rules; NodaTime's resolvers say it directly (over the system's data) and its zone intervals let the
/// tests walk every transition.
/// </remarks>
public static class ZoneCalendar
{
    /// <summary>Dates outside these years are refused: the day after 9998-12-31 still fits every date type we use.</summary>
    public const int MinYear = 1, MaxYear = 9998;

    private static readonly ZoneLocalMappingResolver FirstInstant =
        Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnStartOfIntervalAfter);

    private static readonly Instant Earliest = Instant.FromDateTimeUtc(DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc));

    private static readonly ConcurrentDictionary<string, DateTimeZone> Zones = new(StringComparer.Ordinal);

    /// <summary>
    /// The zone for a stored id, from the system's zone data (programs are validated against the system's list, and
    /// pages and files show times through it, so a day's boundary and the dates shown agree; NodaTime's embedded
    /// copy of IANA's data can be older than the system's). NodaTime's copy only for an id the system lacks.
    /// </summary>
    public static DateTimeZone Zone(string id) => Zones.GetOrAdd(id, static id =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var system) ? BclDateTimeZone.FromTimeZoneInfo(system) : DateTimeZoneProviders.Tzdb[id]);

    public static DateTimeZone Zone(AffiliateProgram program) => Zone(program.TimeZone);

    public static bool IsSupported(DateOnly day) => day.Year is >= MinYear and <= MaxYear;

    /// <summary>The first UTC instant of <paramref name="day"/> in <paramref name="zone"/>.</summary>
    public static DateTime StartOfDayUtc(DateOnly day, DateTimeZone zone)
    {
        var start = zone.ResolveLocal(new LocalDate(day.Year, day.Month, day.Day).AtMidnight(), FirstInstant).ToInstant();
        // 0001-01-01 east of Greenwich starts before DateTime can count; nothing we store is earlier.
        return (start < Earliest ? Earliest : start).ToDateTimeUtc();
    }

    /// <summary>Inclusive local days as a half-open UTC range: [start of from, start of the day after to).</summary>
    public static (DateTime? From, DateTime? To) Range(DateOnly? from, DateOnly? to, DateTimeZone zone) =>
        (from is { } f ? StartOfDayUtc(f, zone) : null, to is { } t ? StartOfDayUtc(t.AddDays(1), zone) : null);

    /// <summary>The local date at a UTC instant.</summary>
    public static DateOnly Date(DateTime utc, DateTimeZone zone)
    {
        var date = Instant.FromDateTimeUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).InZone(zone).Date;
        return new DateOnly(date.Year, date.Month, date.Day);
    }

    /// <summary>The local calendar month holding <paramref name="utcNow"/>, as its first day.</summary>
    public static DateOnly MonthOf(DateTime utcNow, DateTimeZone zone)
    {
        var today = Date(utcNow, zone);
        return new DateOnly(today.Year, today.Month, 1);
    }
}
