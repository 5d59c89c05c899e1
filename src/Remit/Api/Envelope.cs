using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Remit.Api;

public sealed record DataEnvelope<T>(T Data);

public sealed record ListEnvelope<T>(IReadOnlyList<T> Data, PageMeta Meta);

public sealed record PageMeta(int Page, int PerPage, long Total, long TotalPages);

public sealed record ErrorDetail(string Field, string Message);

public sealed record ErrorBody(string Code, string Message, IReadOnlyList<ErrorDetail> Details);

public sealed record ErrorEnvelope(ErrorBody Error);

public static class ErrorCodes
{
    public const string Unauthorized = "UNAUTHORIZED", Forbidden = "FORBIDDEN", NotFound = "NOT_FOUND";
    public const string InvalidStatus = "INVALID_STATUS", Validation = "VALIDATION_ERROR", RateLimited = "RATE_LIMITED";
    public const string DuplicateReference = "DUPLICATE_REFERENCE", PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED", Internal = "INTERNAL_ERROR";
    /// <summary>A row kept changing under a read-merge-validate-save until it gave up (see OptimisticConcurrency).</summary>
    public const string ConcurrentUpdate = "CONCURRENT_UPDATE";
}

/// <summary>An error answer in the seed's envelope. Handlers return it as a value, never throw it.</summary>
public sealed class ApiError(int status, string code, string message, IReadOnlyList<ErrorDetail>? details = null)
    : IResult, IStatusCodeHttpResult, IValueHttpResult<ErrorEnvelope>, IValueHttpResult
{
    public int StatusCode => status;
    public string Code => code;
    public ErrorEnvelope Value { get; } = new(new ErrorBody(code, message, details ?? []));
    int? IStatusCodeHttpResult.StatusCode => status;
    object IValueHttpResult.Value => Value;

    public static ApiError NotFound(string message = "Not found.") => new(404, ErrorCodes.NotFound, message);
    public static ApiError InvalidStatus(string message) => new(409, ErrorCodes.InvalidStatus, message);
    public static ApiError Invalid(string field, string message) => new(422, ErrorCodes.Validation, message, [new(field, message)]);
    public static ApiError ConcurrentUpdate(string what) =>
        new(409, ErrorCodes.ConcurrentUpdate, $"The {what} kept changing while this change was saved; nothing was changed. Try again.");

    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext, status, Value);

    public static Task WriteAsync(HttpContext http, int status, ErrorEnvelope body)
    {
        http.Response.StatusCode = status;
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return http.Response.WriteAsJsonAsync(body, options);
    }
}

/// <summary>The outcome of a domain action: its result, or the error the client should see.</summary>
public readonly record struct Outcome<T>(T? Value, ApiError? Error)
{
    public static implicit operator Outcome<T>(ApiError error) => new(default, error);
    public static Outcome<T> Ok(T value) => new(value, null);
}

/// <summary>Collects every problem with an input so the client hears about all of them at once.</summary>
public sealed class Validation
{
    private readonly List<ErrorDetail> _details = [];
    public bool IsValid => _details.Count == 0;
    public void Add(string field, string message) => _details.Add(new(field, message));

    public ApiError ToError() => new(422, ErrorCodes.Validation,
        _details.Count == 1 ? _details[0].Message : "Request parameters failed validation.", _details);

    public bool Require(bool condition, string field, string message)
    {
        if (!condition) Add(field, message);
        return condition;
    }

    /// <summary>An amount in the currency's units, with no more decimals than the currency has.</summary>
    public long? Amount(decimal? value, string currency, string field, bool required, long min = 1)
    {
        if (value is null)
        {
            if (required) Add(field, $"{field} is required.");
            return null;
        }
        if (!Money.TryToMinor(value.Value, currency, out var minor))
        {
            Add(field, $"{field} has more decimals than {currency} allows ({Money.Exponent(currency)}).");
            return null;
        }
        if (minor < min)
        {
            Add(field, min == 0 ? $"{field} must not be negative." : $"{field} must be greater than zero.");
            return null;
        }
        return minor;
    }

    public string? Text(string? value, string field, int max, bool required = false)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            if (required) Add(field, $"{field} is required.");
            return null;
        }
        if (trimmed.Length > max) Add(field, $"{field} must be at most {max} characters.");
        return trimmed;
    }
}

/// <summary>Reads JSON bodies strictly: unknown fields, wrong types and malformed JSON are 422, never ignored.</summary>
public static class Body
{
    public const int MaxBytes = 1 << 20;

    public static async Task<(T? Value, ApiError? Error)> ReadAsync<T>(HttpRequest request)
    {
        if (request.ContentLength > MaxBytes) return (default, TooLarge());
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBytes) return (default, TooLarge());
            buffer.Write(chunk, 0, read);
        }
        // The seed's approve example sends no body and no Content-Type: an empty body is "no options given".
        if (buffer.Length == 0 || buffer.ToArray().All(b => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            return (default, null);
        buffer.Position = 0;
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(buffer, StrictOptions(request.HttpContext));
            return value is null ? (default, ApiError.Invalid("body", "The body must be a JSON object.")) : (value, null);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            var message = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"Unknown field '{field}'."
                : field == "body" ? "The body is not valid JSON." : $"{field} has the wrong type or format.";
            return (default, ApiError.Invalid(field, message));
        }
    }

    private static ApiError TooLarge() => new(413, ErrorCodes.PayloadTooLarge, $"The body must be at most {MaxBytes} bytes.");

    private static JsonSerializerOptions? _strict;

    private static JsonSerializerOptions StrictOptions(HttpContext http) => _strict ??= new JsonSerializerOptions(
        http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };
}
