using System.Collections.Concurrent;
using System.Globalization;
using RedisRateLimiting;
using StackExchange.Redis;

namespace Remit.Api;

public sealed class RateLimitOptions
{
    public int PermitsPerMinute { get; set; } = 600;
    public int AnonymousPermitsPerMinute { get; set; } = 120;
    /// <summary>Dashboard sign-in attempts a minute per client address, whichever accounts they name.</summary>
    public int SignInPermitsPerMinute { get; set; } = 10;
}

/// <summary>
/// Fixed one-minute windows per key (a token, a client address, a sign-in address): whether one more request is
/// allowed, how many are left and when the window resets (the IETF RateLimit headers need both).
/// </summary>
public abstract class RateLimits
{
    public abstract ValueTask<(bool Allowed, int Remaining, int ResetSeconds)> TakeAsync(string key, int limit);
}

/// <summary>
/// The counters of one process. Written here rather than with System.Threading.RateLimiting because every answer
/// must say how many requests are left and when the window resets, which that library's partitioned limiter does
/// not expose per partition.
/// </summary>
public sealed class LocalRateLimits(TimeProvider clock) : RateLimits
{
    private sealed class Window
    {
        public DateTimeOffset Start;
        public int Used;
    }

    private readonly ConcurrentDictionary<string, Window> _windows = new();
    private DateTimeOffset _lastSweep;

    public override ValueTask<(bool Allowed, int Remaining, int ResetSeconds)> TakeAsync(string key, int limit) => new(Take(key, limit));

    private (bool Allowed, int Remaining, int ResetSeconds) Take(string key, int limit)
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

/// <summary>
/// Counters shared by every process, through RedisRateLimiting's fixed window (one Lua script per request: count
/// and window in one round trip). When Redis cannot be reached the process counts on its own, and says so in the
/// log at most once a minute, rather than refusing every request.
/// </summary>
public sealed partial class RedisRateLimits(IConnectionMultiplexer redis, LocalRateLimits local, TimeProvider clock, ILogger<RedisRateLimits> log)
    : RateLimits
{
    private long _lastWarningTicks;

    public override async ValueTask<(bool Allowed, int Remaining, int ResetSeconds)> TakeAsync(string key, int limit)
    {
        var limiter = new RedisFixedWindowRateLimiter<string>("remit:" + key, new RedisFixedWindowRateLimiterOptions
        {
            PermitLimit = limit, Window = TimeSpan.FromMinutes(1), ConnectionMultiplexerFactory = () => redis,
        });
        try
        {
            using var lease = await limiter.AcquireAsync();
            var remaining = lease.TryGetMetadata(RateLimitMetadataName.Remaining.Name, out var r) ? Convert.ToInt32(r, CultureInfo.InvariantCulture) : 0;
            var reset = lease.TryGetMetadata(RateLimitMetadataName.RetryAfter.Name, out var a) ? Convert.ToInt32(a, CultureInfo.InvariantCulture) : 60;
            return (lease.IsAcquired, lease.IsAcquired ? remaining : 0, Math.Clamp(reset, 1, 60));
        }
        catch (RedisException e)
        {
            var now = clock.GetUtcNow().UtcTicks;
            var last = Interlocked.Read(ref _lastWarningTicks);
            if (now - last >= TimeSpan.TicksPerMinute && Interlocked.CompareExchange(ref _lastWarningTicks, now, last) == last)
                RedisUnreachable(log, e.GetType().Name);
            return await local.TakeAsync(key, limit);
        }
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning,
        Message = "Redis cannot be reached for rate limits ({Error}): this process counts requests on its own until it can")]
    private static partial void RedisUnreachable(ILogger log, string error);
}

public static class ApiRateLimits
{
    /// <summary>
    /// Counters in Redis when Remit:Redis is set, so every process behind a balancer counts against one limit;
    /// otherwise in this process.
    /// </summary>
    public static IServiceCollection AddRemitRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<RateLimitOptions>(configuration.GetSection("Remit:RateLimit"));
        services.AddSingleton<LocalRateLimits>();
        if (configuration["Remit:Redis"] is not { Length: > 0 } redis)
        {
            services.AddSingleton<RateLimits>(sp => sp.GetRequiredService<LocalRateLimits>());
            return services;
        }
        // Not aborting on a failed first connect: Remit starts while Redis is down, and reconnects in the background.
        var redisOptions = ConfigurationOptions.Parse(redis);
        redisOptions.AbortOnConnectFail = false;
        services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(redisOptions));
        services.AddSingleton<RateLimits, RedisRateLimits>();
        return services;
    }

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
        var (allowed, remaining, reset) = await limits.TakeAsync(key, limit);
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
