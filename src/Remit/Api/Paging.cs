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

    /// <summary>
    /// Fetches one page in the database, maps it, and sets the Link header. The total is <paramref name="knownTotal"/>
    /// when the caller has it from running totals; otherwise it is counted only when the page does not tell it: a page
    /// with rows but fewer than per_page is the last one, so the total is the rows before it plus its own (a short list
    /// — one affiliate's payouts, a narrow filter — costs one query, not a COUNT too).
    /// </summary>
    public async Task<ListEnvelope<TDto>> ApplyAsync<TRow, TDto>(IQueryable<TRow> ordered, Func<TRow, TDto> map,
        HttpContext http, CancellationToken ct, long? knownTotal = null)
    {
        var skipped = (long)(Page - 1) * PerPage;
        var rows = skipped > int.MaxValue ? [] : await ordered.Skip((int)skipped).Take(PerPage).ToListAsync(ct);
        var total = knownTotal ?? (rows.Count > 0 && rows.Count < PerPage ? skipped + rows.Count : await ordered.LongCountAsync(ct));
        var totalPages = (total + PerPage - 1) / PerPage;
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
