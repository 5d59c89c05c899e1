using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Remit.Api;

/// <summary>An error answer in the seed's envelope, made from a domain Problem by ProblemHttp (or by the pipeline for 401/403/429/5xx). Handlers return it as a value, never throw it.</summary>
public sealed class ApiError(int status, string code, string message, IReadOnlyList<ErrorDetail>? details = null)
    : IResult, IStatusCodeHttpResult, IValueHttpResult<ErrorEnvelope>, IValueHttpResult
{
    public int StatusCode => status;
    public string Code => code;
    public ErrorEnvelope Value { get; } = new(new ErrorBody(code, message, details ?? []));
    int? IStatusCodeHttpResult.StatusCode => status;
    object IValueHttpResult.Value => Value;

    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, status, Value);

    public static Task WriteAsync(HttpContext http, int status, ErrorEnvelope body)
    {
        http.Response.StatusCode = status;
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return http.Response.WriteAsJsonAsync(body, options);
    }
}

/// <summary>The API's one mapping from a domain problem to its HTTP answer in the seed's envelope.</summary>
public static class ProblemHttp
{
    public static int Status(ProblemKind kind) => kind switch
    {
        ProblemKind.NotFound => 404,
        ProblemKind.Invalid => 422,
        ProblemKind.Conflict => 409,
        ProblemKind.TooLarge => 413,
        ProblemKind.Unverified => 401,
        ProblemKind.ProviderFailed => 502,
        ProblemKind.Forbidden => 403,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static ApiError ToHttp(this Problem problem) => new(Status(problem.Kind), problem.Code, problem.Message, problem.Details);

    /// <summary>
    /// The contract answers 404 before 422: a refused body sent to an id that does not exist is still a 404. Only
    /// asked when the input is already refused, so a good request costs no extra query.
    /// </summary>
    public static async Task<ApiError> ToHttpAsync(this Problem problem, Func<Task<bool>> exists, string notFound) =>
        (await exists() ? problem : Problem.NotFound(notFound)).ToHttp();
}
