using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics;

namespace Remit.Api;

public sealed class RateLimitOptions
{
    public int PermitsPerMinute { get; set; } = 600;
    public int AnonymousPermitsPerMinute { get; set; } = 120;
}

/// <summary>
/// Fixed one-minute windows per token, or per client address for requests without a valid token.
/// Written here rather than with System.Threading.RateLimiting because every answer must say how many requests
/// are left and when the window resets (the IETF RateLimit headers), which that library's partitioned limiter
/// does not expose per partition.
/// </summary>
public sealed class RateLimits(TimeProvider clock)
{
    private sealed class Window
    {
        public DateTimeOffset Start;
        public int Used;
    }

    private readonly ConcurrentDictionary<string, Window> _windows = new();
    private DateTimeOffset _lastSweep;

    public (bool Allowed, int Remaining, int ResetSeconds) Take(string key, int limit)
    {
        var now = clock.GetUtcNow();
        Sweep(now);
        var window = _windows.GetOrAdd(key, _ => new Window { Start = now });
        lock (window)
        {
            if (now - window.Start >= TimeSpan.FromMinutes(1))
            {
                window.Start = now;
                window.Used = 0;
            }
            var reset = (int)Math.Ceiling((window.Start.AddMinutes(1) - now).TotalSeconds);
            if (window.Used >= limit) return (false, 0, Math.Max(reset, 1));
            window.Used++;
            return (true, limit - window.Used, Math.Max(reset, 1));
        }
    }

    // Forget windows that ended, so one-off client addresses do not accumulate for ever.
    private void Sweep(DateTimeOffset now)
    {
        if (now - _lastSweep < TimeSpan.FromMinutes(1)) return;
        _lastSweep = now;
        foreach (var (key, window) in _windows)
            if (now - window.Start >= TimeSpan.FromMinutes(2)) _windows.TryRemove(key, out _);
    }
}

public static class Pipeline
{
    /// <summary>snake_case fields, UTC timestamps with Z, and enums never as numbers.</summary>
    public static void ConfigureJson(JsonSerializerOptions o)
    {
        o.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        o.DictionaryKeyPolicy = null;
        o.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // Numbers are JSON numbers both ways (the web default also reads "12.50"), so the OpenAPI document says number.
        o.NumberHandling = JsonNumberHandling.Strict;
        o.Converters.Add(new UtcDateTimeConverter());
    }

    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        // A JsonException (not a FormatException) so a bad timestamp is a 422 naming its field, never a 500.
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String && DateTime.TryParse(reader.GetString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var value)
                ? value
                : throw new JsonException("Expected an ISO 8601 timestamp.");

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(DateTime.SpecifyKind(value, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

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
        // API bodies are JSON whatever Content-Type says (curl -d sends form encoding): Body.ReadAsync judges the
        // bytes. Without this, routing picks its bare 415 endpoint for .Accepts<T>("application/json") routes,
        // before authentication and outside the error envelope.
        if (IsApi(http) && http.Request.ContentType is { Length: > 0 } type
            && !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            http.Request.ContentType = "application/json";
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

    public static IApplicationBuilder UseApiRateLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!IsApi(http))
        {
            await next(http);
            return;
        }
        var options = http.RequestServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<RateLimitOptions>>().Value;
        var limits = http.RequestServices.GetRequiredService<RateLimits>();
        var tokenId = http.User.FindFirst(TokenAuthHandler.TokenClaim)?.Value;
        var (policy, limit, key) = tokenId is not null
            ? ("default", options.PermitsPerMinute, "t:" + tokenId)
            : ("anonymous", options.AnonymousPermitsPerMinute, "a:" + http.Connection.RemoteIpAddress);
        var (allowed, remaining, reset) = limits.Take(key, limit);
        http.Response.Headers["RateLimit-Policy"] = $"\"{policy}\";q={limit};w=60";
        http.Response.Headers["RateLimit"] = $"\"{policy}\";r={remaining};t={reset}";
        if (!allowed)
        {
            http.Response.Headers.RetryAfter = reset.ToString(CultureInfo.InvariantCulture);
            await ApiError.WriteAsync(http, 429, new(new(ErrorCodes.RateLimited, $"Rate limit exceeded: {limit} requests a minute. Retry in {reset} s.", [])));
            return;
        }
        await next(http);
    });

    /// <summary>
    /// Every API failure leaves in the envelope; nothing of a stack trace ever reaches a client. Only API paths:
    /// the dashboard answers its errors in HTML. Runs after UseApiPrefix, so /api//v1/... counts as the API too.
    /// </summary>
    public static IApplicationBuilder UseApiErrors(this IApplicationBuilder app) => app.UseWhen(IsApi, api =>
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
