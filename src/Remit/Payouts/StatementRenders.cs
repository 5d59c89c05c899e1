using System.Threading.RateLimiting;

namespace Remit.Payouts;

/// <summary>
/// How many statements one process renders at once (a singleton). Rendering is CPU-bound and synchronous between
/// database pages (a 40,000-line statement takes seconds), so unbounded renders would hold every thread-pool thread
/// and stall other requests. At most half the cores (at least one) render; up to <see cref="QueueLimit"/> more
/// wait in arrival order without holding a thread (given up when the client goes away); beyond that the answer is
/// 503 at once. Statements therefore queue behind a long one rather than slow everything else down.
/// </summary>
public sealed class StatementRenders : IDisposable
{
    public const int QueueLimit = 16;

    private readonly ConcurrencyLimiter limiter;

    public StatementRenders()
    {
        limiter = new(new ConcurrencyLimiterOptions
        {
            PermitLimit = PermitLimit, QueueLimit = QueueLimit, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    public int PermitLimit { get; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Requests waiting for a permit now.</summary>
    public long Queued => limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <summary>A lease to render one statement; not acquired when the queue is full.</summary>
    public ValueTask<RateLimitLease> WaitAsync(CancellationToken ct) => limiter.AcquireAsync(1, ct);

    public void Dispose() => limiter.Dispose();
}
