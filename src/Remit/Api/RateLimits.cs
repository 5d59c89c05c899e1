using System.Collections.Concurrent;
using System.Globalization;

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

public static class ApiRateLimits
{
    public static IApplicationBuilder UseApiRateLimits(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (!ApiPaths.IsApi(http))
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
}
