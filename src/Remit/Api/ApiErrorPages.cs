using Microsoft.AspNetCore.Diagnostics;

namespace Remit.Api;

public static class ApiErrorPages
{
    /// <summary>
    /// Every API failure leaves in the envelope; nothing of a stack trace ever reaches a client. Only API paths:
    /// the dashboard answers its errors in HTML. Runs after UseApiPrefix, so /api//v1/... counts as the API too.
    /// </summary>
    public static IApplicationBuilder UseApiErrors(this IApplicationBuilder app) => app.UseWhen(ApiPaths.IsApi, api =>
    {
        api.UseExceptionHandler(errorApp => errorApp.Run(http =>
        {
            var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
            return error switch
            {
                BadHttpRequestException { StatusCode: 413 } => ApiError.WriteAsync(http, 413, new(new(ErrorCodes.PayloadTooLarge, "The request body is too large.", []))),
                BadHttpRequestException bad => ApiError.WriteAsync(http, 422, new(new(ErrorCodes.Validation, "Request parameters failed validation.", [new("request", bad.Message)]))),
                _ => ApiError.WriteAsync(http, 500, new(new(ErrorCodes.Internal, "Something went wrong on our side. It has been logged.", []))),
            };
        }));
        api.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            return http.Response.StatusCode switch
            {
                404 => ApiError.WriteAsync(http, 404, new(new(ErrorCodes.NotFound, "Not found.", []))),
                405 => ApiError.WriteAsync(http, 405, new(new(ErrorCodes.MethodNotAllowed, $"{http.Request.Method} is not allowed here.", []))),
                _ => Task.CompletedTask,
            };
        });
    });
}
