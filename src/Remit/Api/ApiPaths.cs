using System.Globalization;

namespace Remit.Api;

public static class ApiPaths
{
    /// <summary>
    /// The seed's examples call https://host/api//v1/...: routes answer under /v1 and /api/v1, and routing does not
    /// collapse "//", so the prefix and any run of slashes after it are folded here, before routing.
    /// </summary>
    public static IApplicationBuilder UseApiPrefix(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var path = http.Request.Path.Value ?? "";
        if (path.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            http.Request.PathBase = http.Request.PathBase.Add("/api");
            http.Request.Path = "/" + path[5..].TrimStart('/');
        }
        return next(http);
    });

    /// <summary>
    /// The API's namespace is every version prefix (/v1, and /v2 … which do not exist yet and answer 404 in the
    /// envelope); the rest of the site is the dashboard, which answers in HTML.
    /// </summary>
    public static bool IsApi(HttpContext http)
    {
        var path = http.Request.Path.Value ?? "";
        if (path.Length < 3) return false;
        var end = path.IndexOf('/', 1);
        var segment = end < 0 ? path.AsSpan(1) : path.AsSpan(1, end - 1);
        return segment.Length > 1 && segment[0] == 'v' && int.TryParse(segment[1..], NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }
}
