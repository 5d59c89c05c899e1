using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Remit.Audit;
using Remit.Data;
using Remit.Security;
using StandardWebhooks;

namespace Remit.Webhooks;

/// <summary>
/// Sends due webhook deliveries. A round claims due rows with one conditional UPDATE (a lease; on PostgreSQL the
/// candidates are picked FOR UPDATE SKIP LOCKED), so any number of processes deliver each attempt once. Only the
/// oldest pending delivery of a subject (one payout, one batch…) per endpoint is due, so a subject's events arrive in
/// the order they happened, retries included. The body is a plain method: the hosted loop calls it, tests call it with
/// a fake clock.
/// </summary>
public sealed class WebhookDeliverer(IServiceScopeFactory scopes, IHttpClientFactory http, SecretBox secrets, WebhookSettings settings,
    TimeProvider clock, ILoggerFactory logs)
{
    public const string HttpClientName = "webhooks";
    private const int ClaimSize = 20;
    private readonly ILogger _log = logs.CreateLogger(WebhookLog.Category);

    /// <summary>Delivers what is due now; returns how many deliveries it attempted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
        var owner = Guid.NewGuid().ToString("N");
        var claimed = await ClaimAsync(db, owner, ct);
        foreach (var id in claimed.Order()) await DeliverAsync(db, id, owner, ct);
        return claimed.Count;
    }

    private async Task<List<long>> ClaimAsync(RemitDb db, string owner, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var leaseUntil = LeaseUntil(now);
        // Every program's deliveries at once (the deliverer serves them all); each join names program_id so that,
        // sharded by program (README, "Running more than one process"), it stays within one shard.
        var skipLocked = db.Database.IsNpgsql() ? "FOR UPDATE OF d SKIP LOCKED" : "";
        var sql = $$"""
            UPDATE webhook_deliveries SET lease_until = {0}, lease_owner = {1}
            WHERE id IN (
                SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints ep ON ep.id = d.endpoint_id AND ep.program_id = d.program_id
                WHERE d.status = {2} AND d.next_attempt_at <= {3} AND (d.lease_until IS NULL OR d.lease_until < {3}) AND ep.enabled = {4}
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                                  WHERE e.program_id = d.program_id AND e.endpoint_id = d.endpoint_id AND e.subject = d.subject AND e.status = {2} AND e.id < d.id)
                ORDER BY d.id LIMIT {5} {{skipLocked}})
              AND status = {2} AND (lease_until IS NULL OR lease_until < {3})
            RETURNING id AS "Value"
            """;
        return await db.Database.SqlQueryRaw<long>(sql, leaseUntil, owner, DeliveryStatus.Pending, now, true, ClaimSize).ToListAsync(ct);
    }

    /// <summary>The lease outlives one attempt; if this process dies holding it, another takes the row once it lapses.</summary>
    private DateTime LeaseUntil(DateTime now) => now + settings.Timeout + TimeSpan.FromMinutes(1);

    private async Task DeliverAsync(RemitDb db, long deliveryId, string owner, CancellationToken ct)
    {
        // A claim covers a whole round, whose earlier attempts may have eaten this row's lease: another process may take
        // it from now on. Renewing it, only if it has not lapsed, makes this attempt the only one, however slow the round.
        var now = clock.GetUtcNow().UtcDateTime;
        var renewed = await db.WebhookDeliveries.IgnoreQueryFilters()
            .Where(d => d.Id == deliveryId && d.LeaseOwner == owner && d.Status == DeliveryStatus.Pending && d.LeaseUntil >= now)
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseUntil, LeaseUntil(now)), ct);
        if (renewed == 0) return;
        var delivery = await db.WebhookDeliveries.IgnoreQueryFilters().AsNoTracking().Include(d => d.Event)
            .SingleOrDefaultAsync(d => d.Id == deliveryId && d.LeaseOwner == owner, ct);
        var endpoint = delivery is null ? null
            : await db.WebhookEndpoints.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(e => e.Id == delivery.EndpointId, ct);
        if (delivery?.Event is not { } evt || endpoint is null) return; // deleted meanwhile: nothing to send
        var attempt = delivery.Attempts + 1;
        var (status, error) = await SendAsync(endpoint, evt, ct);
        var at = clock.GetUtcNow().UtcDateTime;
        var delivered = status is >= 200 and < 300;
        var schedule = settings.RetrySchedule;
        var final = delivered || attempt >= schedule.Count;
        var next = final ? at : at + schedule[attempt];
        var outcome = delivered ? DeliveryStatus.Delivered : final ? DeliveryStatus.Failed : DeliveryStatus.Pending;

        db.ProgramId = delivery.ProgramId;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var recorded = await db.WebhookDeliveries.Where(d => d.Id == deliveryId && d.LeaseOwner == owner && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, outcome)
                .SetProperty(d => d.Attempts, attempt)
                .SetProperty(d => d.NextAttemptAt, next)
                .SetProperty(d => d.LeaseUntil, (DateTime?)null)
                .SetProperty(d => d.LeaseOwner, (string?)null), ct);
        // The lease ran out while this attempt waited, and another process has taken the row: it records its own attempt.
        if (recorded == 0) return;
        db.WebhookAttempts.Add(new WebhookAttempt
        {
            ProgramId = delivery.ProgramId, EndpointId = endpoint.Id, DeliveryId = deliveryId, EventId = evt.Id, EventType = evt.Type,
            Attempt = attempt, StatusCode = status, Error = error, At = at,
        });
        await db.SaveChangesAsync(ct);
        if (delivered)
            await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && e.FailingSince != null)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, (DateTime?)null), ct);
        else
            await RecordFailureAsync(db, endpoint.Id, at, ct);
        await tx.CommitAsync(ct);

        if (delivered) _log.Delivered(evt.Type, evt.MessageId, endpoint.Id, delivery.ProgramId, attempt, status!.Value);
        else
        {
            _log.AttemptFailed(evt.Type, evt.MessageId, endpoint.Id, delivery.ProgramId, attempt, status, error);
            if (final) _log.GaveUp(evt.Type, evt.MessageId, endpoint.Id, delivery.ProgramId, attempt);
        }
    }

    /// <summary>
    /// The first failure since the last success starts the endpoint's count; once every attempt has failed for
    /// <see cref="WebhookSettings.DisableAfter"/>, it is disabled (once, whichever process sees it first) with the reason the
    /// dashboard shows, and the operator's log says so.
    /// </summary>
    private async Task RecordFailureAsync(RemitDb db, long endpointId, DateTime at, CancellationToken ct)
    {
        await db.WebhookEndpoints.Where(e => e.Id == endpointId && e.FailingSince == null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.FailingSince, at), ct);
        var failingBefore = at - settings.DisableAfter;
        var reason = $"Disabled by Remit: every delivery has failed for {settings.DisableAfter.TotalDays:0.#} days. Fix the receiver, then enable it again.";
        var disabled = await db.WebhookEndpoints.Where(e => e.Id == endpointId && e.Enabled && e.FailingSince <= failingBefore)
            .ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Enabled, false)
                .SetProperty(e => e.DisabledAt, at)
                .SetProperty(e => e.DisabledReason, reason), ct);
        if (disabled == 0) return;
        var since = await db.WebhookEndpoints.Where(e => e.Id == endpointId).Select(e => e.FailingSince!.Value).SingleAsync(ct);
        db.AuditEvents.Add(Actor.System.Record(db.ProgramId, "webhook_endpoint.disabled", "webhook_endpoint", endpointId, at,
            notes: $"every delivery failed since {since:yyyy-MM-dd HH:mm:ss}Z"));
        await db.SaveChangesAsync(ct);
        _log.EndpointDisabled(endpointId, db.ProgramId, since);
    }

    /// <summary>One signed POST: the HTTP status, or why there was none.</summary>
    private async Task<(int? Status, string? Error)> SendAsync(WebhookEndpoint endpoint, WebhookEvent evt, CancellationToken ct)
    {
        var sentAt = clock.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url)
        {
            Content = new StringContent(evt.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("webhook-id", evt.MessageId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", sentAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", Signature(endpoint, evt, sentAt));
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            return (status, status is >= 200 and < 300 ? null : $"HTTP {status}");
        }
        catch (HttpRequestException e)
        {
            return (null, Truncate(Innermost(e)));
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"No answer within {settings.Timeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>
    /// Standard Webhooks' v1 signature under the endpoint's secret, and during a rotation under the previous one too
    /// (space-separated), so a receiver holding either secret verifies it.
    /// </summary>
    public string Signature(WebhookEndpoint endpoint, WebhookEvent evt, DateTimeOffset sentAt)
    {
        var keys = new List<string> { secrets.Decrypt(endpoint.Secret) };
        if (endpoint.PreviousSecret is { } previous && endpoint.PreviousSecretExpiresAt > sentAt.UtcDateTime) keys.Add(secrets.Decrypt(previous));
        return string.Join(' ', keys.Select(k => new StandardWebhook(k).Sign(evt.MessageId, sentAt, evt.Payload)));
    }

    private static string Innermost(Exception e)
    {
        // The handler wraps our own refusal (and the socket's) in its own message; the inner one says what happened.
        var message = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException) message = inner.Message;
        return message;
    }

    private static string Truncate(string text) => text.Length <= 1000 ? text : text[..1000];
}

/// <summary>
/// Wakes the delivery loop as soon as a unit of work that queued deliveries commits, so the first attempt goes out
/// at once rather than at the next poll.
/// </summary>
public sealed class WebhookSignal : IDbTransactionInterceptor, ISaveChangesInterceptor
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Notify()
    {
        try
        {
            if (_wake.CurrentCount == 0) _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: one wake-up is enough for any number of commits.
        }
    }

    public async Task WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await Task.WhenAny(Task.Delay(timeout, clock, stop.Token), _wake.WaitAsync(stop.Token));
        await stop.CancelAsync();
        ct.ThrowIfCancellationRequested();
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Check(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Check(eventData.Context);
        return Task.CompletedTask;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context?.Database.CurrentTransaction is null) Check(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private void Check(DbContext? context)
    {
        if (context is not RemitDb { WebhooksQueued: true } db) return;
        db.WebhooksQueued = false;
        Notify();
    }
}

/// <summary>The loop in every process: deliver what is due, then sleep until woken or the poll interval passes.</summary>
internal sealed class WebhookDeliveryService(WebhookDeliverer deliverer, WebhookSignal signal, WebhookSettings settings, TimeProvider clock,
    ILoggerFactory logs) : BackgroundService
{
    private readonly ILogger _log = logs.CreateLogger(WebhookLog.Category);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await deliverer.RunOnceAsync(stoppingToken) > 0) { }
                await signal.WaitAsync(settings.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // One failure (the database away for a moment) never stops delivery: the next round tries again.
                _log.RoundFailed(e);
                try
                {
                    await signal.WaitAsync(settings.PollInterval, clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}

public static class WebhooksSetup
{
    public static IServiceCollection AddRemitWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = WebhookSettings.From(configuration);
        services.AddSingleton(settings);
        services.AddSingleton<WebhookSignal>();
        services.AddHttpClient(WebhookDeliverer.HttpClientName, c => c.Timeout = settings.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect or a proxy would take the request somewhere the address check never saw.
                AllowAutoRedirect = false,
                UseProxy = false,
                ConnectTimeout = settings.Timeout,
                ConnectCallback = (context, ct) => PrivateNetworks.ConnectAsync(context.DnsEndPoint, settings.AllowPrivateNetworks, ct),
            });
        services.AddSingleton<WebhookDeliverer>();
        services.AddHostedService<WebhookDeliveryService>();
        return services;
    }
}
