namespace Remit.Hosting;

public static class SecurityHeaders
{
    /// <summary>
    /// Every answer — API, pages, error pages, downloads (CSV, PDF, batch files with account numbers), /docs — is
    /// neither sniffed nor stored by a browser or a shared cache. Set when the response starts, so answers rewritten
    /// by the exception handler or the status-code pages (which clear the headers) carry them too.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.CacheControl = "no-store";
            headers["Referrer-Policy"] = "same-origin";
            return Task.CompletedTask;
        });
        return next(http);
    });
}
