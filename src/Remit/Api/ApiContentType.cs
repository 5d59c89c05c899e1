namespace Remit.Api;

public static class ApiContentType
{
    public static IApplicationBuilder UseApiJsonBodies(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        // API bodies are JSON whatever Content-Type says (curl -d sends form encoding): Body.ReadAsync judges the
        // bytes. Without this, routing picks its bare 415 endpoint for .Accepts<T>("application/json") routes,
        // before authentication and outside the error envelope.
        if (ApiPaths.IsApi(http) && http.Request.ContentType is { Length: > 0 } type
            && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            http.Request.ContentType = "application/json";
        return next(http);
    });
}
