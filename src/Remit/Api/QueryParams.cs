using System.Globalization;

namespace Remit.Api;

/// <summary>Query-string parsing where a value that is not one of its allowed values is a 422, not ignored.</summary>
public static class QueryParams
{
    public static string? Text(HttpRequest request, string name) => Text(request.Query, name);

    public static string? Text(IQueryCollection query, string name)
    {
        var value = query[name].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    public static int Int(HttpRequest request, string name, Validation v, int fallback, int min, int max)
    {
        var raw = Text(request, name);
        if (raw is null) return fallback;
        if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            v.Add(name, max == int.MaxValue ? $"{name} must be an integer ≥ {min}." : $"{name} must be an integer from {min} to {max}.");
            return fallback;
        }
        return value;
    }

    public static long? Id(IQueryCollection request, string name, Validation v)
    {
        var raw = Text(request, name);
        if (raw is null) return null;
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0) return id;
        v.Add(name, $"{name} must be a positive integer id.");
        return null;
    }

    public static string[]? OneOf(HttpRequest request, string name, IReadOnlyCollection<string> allowed, Validation v, bool many = true) =>
        OneOf(request.Query, name, allowed, v, many);

    public static string[]? OneOf(IQueryCollection request, string name, IReadOnlyCollection<string> allowed, Validation v, bool many = true)
    {
        var raw = Text(request, name);
        if (raw is null) return null;
        var values = many ? raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [raw];
        var unknown = values.Where(x => !allowed.Contains(x)).ToList();
        if (unknown.Count > 0 || values.Length == 0)
        {
            v.Add(name, $"{name} must be {(many ? "one or more of" : "one of")}: {string.Join(", ", allowed)}.");
            return null;
        }
        return values.Distinct().ToArray();
    }

    public static DateOnly? Date(IQueryCollection request, string name, Validation v)
    {
        var raw = Text(request, name);
        if (raw is null) return null;
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            && Programs.ZoneCalendar.IsSupported(date)) return date;
        v.Add(name, $"{name} must be a date as YYYY-MM-DD, years {Programs.ZoneCalendar.MinYear}–{Programs.ZoneCalendar.MaxYear}.");
        return null;
    }
}
