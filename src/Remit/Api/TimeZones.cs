namespace Remit.Api;

/// <summary>Calendar days of a program's time zone as UTC instants, for filters, stats and statements.</summary>
public static class TimeZones
{
    /// <summary>The UTC instant a local calendar day starts in the given time zone.</summary>
    public static DateTime StartOfDayUtc(DateOnly day, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(day.ToDateTime(TimeOnly.MinValue), DateTimeKind.Unspecified), zone);
}
