using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Remit.Api;

/// <summary>page (≥ 1, default 1) and per_page (1–100, default 25); out of range is a 422, never silently clamped.</summary>
public readonly record struct Paging(int Page, int PerPage)
{
    public const int MaxPerPage = 100;

    public static Paging Parse(HttpRequest request, Validation v)
    {
        var page = QueryParams.Int(request, "page", v, 1, 1, int.MaxValue);
        var perPage = QueryParams.Int(request, "per_page", v, 25, 1, MaxPerPage);
        return new Paging(page, perPage);
    }

    /// <summary>Counts and fetches one page in the database, maps it, and sets the Link header.</summary>
    public async Task<ListEnvelope<TDto>> ApplyAsync<TRow, TDto>(IQueryable<TRow> ordered, Func<TRow, TDto> map,
        HttpContext http, CancellationToken ct)
    {
        var total = await ordered.LongCountAsync(ct);
        var totalPages = (total + PerPage - 1) / PerPage;
        var rows = (long)(Page - 1) * PerPage >= total
            ? []
            : await ordered.Skip((Page - 1) * PerPage).Take(PerPage).ToListAsync(ct);
        http.Response.Headers.Link = LinkHeader(http.Request, totalPages);
        return new ListEnvelope<TDto>(rows.Select(map).ToList(), new PageMeta(Page, PerPage, total, totalPages));
    }

    private string LinkHeader(HttpRequest request, long totalPages)
    {
        var links = new List<string> { Link(request, 1, "first") };
        if (Page > 1) links.Add(Link(request, (int)Math.Min(Page - 1, Math.Max(totalPages, 1)), "prev"));
        if (Page < totalPages) links.Add(Link(request, Page + 1, "next"));
        links.Add(Link(request, (int)Math.Max(totalPages, 1), "last"));
        return string.Join(", ", links);
    }

    private string Link(HttpRequest request, int page, string rel)
    {
        var query = QueryHelpers.ParseQuery(request.QueryString.Value);
        var pairs = query.Where(q => q.Key is not "page" and not "per_page")
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
            .Append(new("page", page.ToString(CultureInfo.InvariantCulture)))
            .Append(new("per_page", PerPage.ToString(CultureInfo.InvariantCulture)));
        var url = QueryHelpers.AddQueryString($"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}", pairs);
        return $"<{url}>; rel=\"{rel}\"";
    }
}

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
