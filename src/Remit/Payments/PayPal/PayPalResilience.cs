using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Remit.Payments.PayPal;

/// <summary>
/// How calls to PayPal survive PayPal's bad moments: Microsoft.Extensions.Http.Resilience's standard handler (rate
/// limiter, total and per-attempt timeouts, retries, circuit breaker) on the PayPalClient's HttpClient. Retrying is
/// safe because every attempt is the same request: a batch keeps its sender_batch_id and PayPal-Request-Id, so PayPal
/// pays it once whichever attempt got through.
/// </summary>
public static class PayPalResilience
{
    /// <summary>Retries after the first attempt, waiting 1, 2, then 4 seconds (or PayPal's Retry-After).</summary>
    public const int MaxRetries = 3;

    /// <summary>The longest Retry-After honoured: PayPal asking for more is treated as this long.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>Set on a request that must be tried once only: an anonymous caller (the webhook) is answered quickly.</summary>
    public static readonly HttpRequestOptionsKey<bool> SingleAttempt = new("Remit.PayPal.SingleAttempt");

    /// <summary>Answers worth trying again: PayPal's 5xx, a request timeout, or too many requests.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout;

    public static IHttpClientBuilder AddPayPalResilience(this IHttpClientBuilder builder)
    {
        builder.AddStandardResilienceHandler(o =>
        {
            o.Retry.MaxRetryAttempts = MaxRetries;
            o.Retry.BackoffType = DelayBackoffType.Exponential;
            o.Retry.Delay = TimeSpan.FromSeconds(1);
            // Each merchant's request retries on its own, so there is no herd to spread; fixed waits keep them predictable.
            o.Retry.UseJitter = false;
            var transient = o.Retry.ShouldHandle;
            o.Retry.ShouldHandle = args =>
                args.Context.GetRequestMessage()?.Options.TryGetValue(SingleAttempt, out var single) == true && single
                    ? ValueTask.FromResult(false)
                    : transient(args);
            // ShouldRetryAfterHeader (on by default) made this generator; PayPal's wait is honoured up to a bound.
            var retryAfter = o.Retry.DelayGenerator!;
            o.Retry.DelayGenerator = async args =>
                await retryAfter(args) is { } wait ? TimeSpan.FromTicks(Math.Min(wait.Ticks, MaxRetryAfter.Ticks)) : null;
            // A 5,000-item batch takes PayPal a while to accept; the whole call, retries included, stays under HttpClient's 100 s.
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(30);
            o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(90);
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(60);
        });
        return builder;
    }
}
