using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Remit.Payments.PayPal;

/// <summary>
/// PayPal's Payouts API: OAuth2 client-credentials tokens, batch payouts, batch details and webhook verification.
/// A typed HttpClient (<c>services.AddHttpClient&lt;PayPalClient&gt;()</c>); it logs nothing, so neither the client
/// secret nor an access token can end up in a log.
/// </summary>
public sealed class PayPalClient(HttpClient http, TimeProvider clock)
{
    /// <summary>PayPal's largest page of batch items ("show payout batch details", page_size).</summary>
    public const int ItemsPageSize = 1000;

    private const string BatchPath = "/v1/payments/payouts";

    // Typed clients are transient, so the cache is shared by all instances. The key holds a hash of the secret so a
    // merchant who replaces a wrong secret is not served the token of the old one, without keeping the secret here.
    private static readonly ConcurrentDictionary<TokenKey, CachedToken> Tokens = new();

    /// <summary>
    /// Sends a batch, or finds the one an earlier call with the same <paramref name="senderBatchId"/> made.
    /// <para>PayPal documents (Payouts v1, "Create batch payout" and sender_batch_header.sender_batch_id): "If you
    /// receive an HTTP 5nn status code, you can safely retry the request with the same sender_batch_id", and "If you
    /// specify a sender_batch_id that was used in the last 30 days, the API rejects the request with an error message
    /// that shows the duplicate sender_batch_id and includes a HATEOAS link to the original payout". There is no
    /// documented lookup by sender_batch_id. So every attempt carries the same sender_batch_id and a PayPal-Request-Id
    /// derived from it (also when the process restarted in between, PayPal then replays the first answer), and a
    /// duplicate refusal (400 USER_BUSINESS_ERROR, details[].field SENDER_BATCH_ID) is answered by reading the batch
    /// its link names: the result is that batch with <see cref="PayPalBatchResult.AlreadySent"/> set. Only the batch
    /// id is taken from the link; it is read from the configured base URL so the bearer token goes nowhere else.</para>
    /// <para>A fresh batch comes back with the header PayPal's 201 holds and no items: read them with
    /// <see cref="GetBatchAsync"/>. A <see cref="PayPalException"/> means PayPal refused the batch and paid nothing; an
    /// <see cref="HttpRequestException"/> after the retries means the outcome is unknown: call again with the same
    /// <paramref name="senderBatchId"/>, never with a new one.</para>
    /// </summary>
    public async Task<PayPalBatchResult> CreateBatchAsync(PayPalCredentials credentials, string senderBatchId, string emailSubject, IReadOnlyList<PayPalPayoutItem> items, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(senderBatchId);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(senderBatchId.Length, 256, nameof(senderBatchId));
        if (items.Count is 0 or > 15000)
        {
            throw new ArgumentException("A PayPal batch holds 1 to 15000 items.", nameof(items));
        }

        var request = new CreatePayoutRequest(
            new CreatePayoutRequest.Header(senderBatchId, emailSubject, "EMAIL"),
            [.. items.Select(item => new CreatePayoutRequest.Item("EMAIL", new PayPalMoney(item.Amount, item.Currency), item.ReceiverEmail, item.Note, item.SenderItemId))]);
        var body = JsonSerializer.Serialize(request, PayPalJson.Options);

        var response = await SendApiAsync(credentials, HttpMethod.Post, BatchPath, body, RequestIdFor(senderBatchId), ct);
        if (response.IsSuccess)
        {
            var created = Read<PayoutBatchResponse>(response);
            var header = created.BatchHeader ?? throw Unreadable(response, "batch_header");
            return new PayPalBatchResult(
                header.PayoutBatchId ?? throw Unreadable(response, "payout_batch_id"),
                header.BatchStatus ?? throw Unreadable(response, "batch_status"),
                [.. (created.Items ?? []).Select(ToItemResult)]);
        }

        var error = ReadError(response);
        if (!IsDuplicateSenderBatchId(response.Status, error))
        {
            throw Refused(response, error);
        }
        var existingId = LinkedBatchId(error)
            ?? throw new PayPalBatchUnlinkedException($"PayPal says sender_batch_id {senderBatchId} was used already but links no batch.", response.Status, error?.Name);
        var existing = await ReadBatchAsync(credentials, existingId, ct);
        if (existing.SenderBatchId is { } linkedSender && linkedSender != senderBatchId)
        {
            throw new PayPalException($"PayPal's duplicate link for sender_batch_id {senderBatchId} leads to batch {existingId} of sender_batch_id {linkedSender}.", response.Status, error?.Name);
        }
        return existing.Result with { AlreadySent = true };
    }

    /// <summary>The batch PayPal knows as <paramref name="payoutBatchId"/>, only if it was sent with our
    /// <paramref name="senderBatchId"/> (a batch id the merchant typed in must name their batch, not another); null otherwise.</summary>
    public async Task<PayPalBatchResult?> GetBatchOfSenderAsync(PayPalCredentials credentials, string payoutBatchId, string senderBatchId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(payoutBatchId);
        var read = await ReadBatchAsync(credentials, payoutBatchId, ct);
        return read.SenderBatchId == senderBatchId ? read.Result : null;
    }

    /// <summary>The batch's latest status with every item, following PayPal's pages of at most
    /// <see cref="ItemsPageSize"/> items (total_required=true gives total_pages).</summary>
    public async Task<PayPalBatchResult> GetBatchAsync(PayPalCredentials credentials, string payoutBatchId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(payoutBatchId);
        return (await ReadBatchAsync(credentials, payoutBatchId, ct)).Result;
    }

    /// <summary>
    /// Asks PayPal whether a webhook delivery is genuine (POST /v1/notifications/verify-webhook-signature).
    /// <paramref name="headers"/> are the delivery's HTTP headers (any case) and <paramref name="body"/> its body as
    /// received: PayPal's signature covers those bytes, so the event goes back unparsed. False when PayPal answers
    /// FAILURE or the delivery lacks a header or is not JSON; a <see cref="PayPalException"/> when PayPal refuses the
    /// request itself (e.g. an unknown webhook id).
    /// </summary>
    public async Task<bool> VerifyWebhookAsync(PayPalCredentials credentials, string webhookId, IReadOnlyDictionary<string, string> headers, string body, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(webhookId);
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(body);

        string?[] values = [.. WebhookHeaderFields.Select(pair => Header(headers, pair.Header))];
        if (values.Any(string.IsNullOrEmpty) || !IsJsonObject(body))
        {
            return false;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            for (var i = 0; i < WebhookHeaderFields.Length; i++)
            {
                json.WriteString(WebhookHeaderFields[i].Field, values[i]);
            }
            json.WriteString("webhook_id", webhookId);
            json.WritePropertyName("webhook_event");
            json.WriteRawValue(body);
            json.WriteEndObject();
        }

        // Asked on behalf of an anonymous caller: one attempt, so a PayPal outage costs the caller one call, not four.
        var response = await SendApiAsync(credentials, HttpMethod.Post, "/v1/notifications/verify-webhook-signature", Encoding.UTF8.GetString(buffer.ToArray()), null, ct, once: true);
        if (!response.IsSuccess)
        {
            throw Refused(response, ReadError(response));
        }
        return Read<VerifyWebhookResponse>(response).VerificationStatus == "SUCCESS";
    }

    /// <summary>The payout item a PAYMENT.PAYOUTS-ITEM.* webhook reports (its resource is the item, as in "show payout
    /// item details"); null for every other event type. Throws <see cref="JsonException"/> for a body that is not JSON
    /// and <see cref="FormatException"/> for a payout-item event without the item's batch, sender_item_id or status.</summary>
    public static PayPalItemEvent? ParseWebhook(string body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var webhook = JsonSerializer.Deserialize<WebhookEvent>(body, PayPalJson.Options);
        if (webhook?.EventType is not { } eventType || !eventType.StartsWith("PAYMENT.PAYOUTS-ITEM.", StringComparison.Ordinal))
        {
            return null;
        }
        var item = webhook.Resource ?? throw new FormatException($"The {eventType} webhook has no resource.");
        return new PayPalItemEvent(
            eventType,
            item.PayoutBatchId ?? throw new FormatException($"The {eventType} webhook's item has no payout_batch_id."),
            item.PayoutItemId,
            item.PayoutItem?.SenderItemId ?? throw new FormatException($"The {eventType} webhook's item has no sender_item_id."),
            item.TransactionStatus ?? throw new FormatException($"The {eventType} webhook's item has no transaction_status."),
            item.TransactionId,
            item.Errors?.Name,
            item.Errors?.Message) { SenderBatchId = item.SenderBatchId };
    }

    private static readonly (string Header, string Field)[] WebhookHeaderFields =
    [
        ("PAYPAL-AUTH-ALGO", "auth_algo"),
        ("PAYPAL-CERT-URL", "cert_url"),
        ("PAYPAL-TRANSMISSION-ID", "transmission_id"),
        ("PAYPAL-TRANSMISSION-SIG", "transmission_sig"),
        ("PAYPAL-TRANSMISSION-TIME", "transmission_time"),
    ];

    // Derived, not random, so a call repeated after a crash or a lost response reuses it and PayPal replays its answer.
    private static string RequestIdFor(string senderBatchId) => "remit-payout-batch-" + senderBatchId;

    private sealed record BatchRead(PayPalBatchResult Result, string? SenderBatchId);

    private async Task<BatchRead> ReadBatchAsync(PayPalCredentials credentials, string payoutBatchId, CancellationToken ct)
    {
        var items = new List<PayPalItemResult>();
        for (var page = 1; ; page++)
        {
            var path = $"{BatchPath}/{Uri.EscapeDataString(payoutBatchId)}?page={page}&page_size={ItemsPageSize}&total_required=true";
            var response = await SendApiAsync(credentials, HttpMethod.Get, path, null, null, ct);
            if (!response.IsSuccess)
            {
                throw Refused(response, ReadError(response));
            }
            var batch = Read<PayoutBatchResponse>(response);
            var header = batch.BatchHeader ?? throw Unreadable(response, "batch_header");
            var pageItems = batch.Items ?? [];
            items.AddRange(pageItems.Select(ToItemResult));
            // PayPal allows at most 1000 pages; an empty page ends the walk even if total_pages says more.
            if (batch.TotalPages is not { } totalPages || page >= totalPages || pageItems.Count == 0 || page >= 1000)
            {
                return new BatchRead(
                    new PayPalBatchResult(
                        header.PayoutBatchId ?? throw Unreadable(response, "payout_batch_id"),
                        header.BatchStatus ?? throw Unreadable(response, "batch_status"),
                        items),
                    header.SenderBatchHeader?.SenderBatchId);
            }
        }
    }

    private static PayPalItemResult ToItemResult(PayoutItemResponse item) => new(
        item.PayoutItem?.SenderItemId ?? throw new PayPalException($"PayPal's item {item.PayoutItemId} has no sender_item_id."),
        item.PayoutItemId,
        item.TransactionStatus ?? throw new PayPalException($"PayPal's item {item.PayoutItemId} has no transaction_status."),
        item.TransactionId,
        item.Errors?.Name,
        item.Errors?.Message);

    private static bool IsDuplicateSenderBatchId(int status, ErrorResponse? error) =>
        status == 400
        && error?.Name == "USER_BUSINESS_ERROR"
        && (error.Details ?? []).Any(detail => string.Equals(detail.Field, "SENDER_BATCH_ID", StringComparison.OrdinalIgnoreCase));

    private static string? LinkedBatchId(ErrorResponse? error)
    {
        var links = (error?.Details ?? []).SelectMany(detail => detail.Link ?? []).Concat(error?.Links ?? []);
        foreach (var link in links)
        {
            if (Uri.TryCreate(link.Href, UriKind.Absolute, out var href)
                && href.AbsolutePath.StartsWith(BatchPath + "/", StringComparison.Ordinal))
            {
                var id = href.AbsolutePath[(BatchPath.Length + 1)..];
                if (id.Length > 0 && !id.Contains('/', StringComparison.Ordinal))
                {
                    return Uri.UnescapeDataString(id);
                }
            }
        }
        return null;
    }

    private sealed record Response(int Status, string Body)
    {
        public bool IsSuccess => Status is >= 200 and < 300;
    }

    /// <summary>One API call with a bearer token. A 401 with a cached token means PayPal dropped it before its
    /// expiry (tokens can be revoked): the token is forgotten and the call made once more with a new one.</summary>
    private async Task<Response> SendApiAsync(PayPalCredentials credentials, HttpMethod method, string pathAndQuery, string? jsonBody, string? requestId, CancellationToken ct, bool once = false)
    {
        for (var renewed = false; ; renewed = true)
        {
            var (token, fromCache) = await GetTokenAsync(credentials, once, ct);
            var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(method, new Uri(credentials.BaseUrl, pathAndQuery));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (requestId is not null)
                {
                    request.Headers.Add("PayPal-Request-Id", requestId);
                }
                if (jsonBody is not null)
                {
                    request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
                }
                return request;
            }, $"{method} {pathAndQuery}", once, ct);

            if (response.Status != (int)HttpStatusCode.Unauthorized || renewed || !fromCache)
            {
                return response;
            }
            Tokens.TryRemove(new KeyValuePair<TokenKey, CachedToken>(TokenKey.For(credentials), new CachedToken(token, default)));
        }
    }

    private readonly record struct TokenKey(string BaseUrl, string ClientId, string SecretHash)
    {
        public static TokenKey For(PayPalCredentials credentials) => new(
            credentials.BaseUrl.GetLeftPart(UriPartial.Authority),
            credentials.ClientId,
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(credentials.ClientSecret))));
    }

    // Equality on the token alone, so removing "this token" leaves a newer one another request already stored.
    private sealed record CachedToken(string Value, DateTimeOffset RenewAt)
    {
        public bool Equals(CachedToken? other) => other is not null && other.Value == Value;

        public override int GetHashCode() => Value.GetHashCode(StringComparison.Ordinal);
    }

    private async Task<(string Token, bool FromCache)> GetTokenAsync(PayPalCredentials credentials, bool once, CancellationToken ct)
    {
        var key = TokenKey.For(credentials);
        if (Tokens.TryGetValue(key, out var cached) && clock.GetUtcNow() < cached.RenewAt)
        {
            return (cached.Value, true);
        }

        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.ClientId}:{credentials.ClientSecret}"));
        var response = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(credentials.BaseUrl, "/v1/oauth2/token"))
            {
                Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("grant_type", "client_credentials")]),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            return request;
        }, "POST /v1/oauth2/token", once, ct);
        if (!response.IsSuccess)
        {
            throw Refused(response, ReadError(response));
        }

        var token = Read<TokenResponse>(response);
        var value = token.AccessToken ?? throw Unreadable(response, "access_token");
        var lifetime = TimeSpan.FromSeconds(token.ExpiresIn ?? throw Unreadable(response, "expires_in"));
        // Renew five minutes early (half the lifetime for short ones) so a token never expires mid-request.
        var margin = TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(5).Ticks, lifetime.Ticks / 2));
        Tokens[key] = new CachedToken(value, clock.GetUtcNow() + lifetime - margin);
        return (value, false);
    }

    /// <summary>
    /// One request through the HttpClient's resilience pipeline (<see cref="PayPalResilience"/>: retries with back-off
    /// on 5xx, 408, 429, timeouts and lost connections, honouring Retry-After; each retry repeats the same request, so
    /// the same sender_batch_id and PayPal-Request-Id). <paramref name="once"/> asks for a single attempt. An answer that
    /// repeating could still change, once the pipeline gave up, is an <see cref="HttpRequestException"/>: the outcome
    /// is unknown.
    /// </summary>
    private async Task<Response> SendAsync(Func<HttpRequestMessage> createRequest, string what, bool once, CancellationToken ct)
    {
        using var request = createRequest();
        if (once) request.Options.Set(PayPalResilience.SingleAttempt, true);
        try
        {
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (PayPalResilience.IsTransient(response.StatusCode))
            {
                throw new HttpRequestException($"PayPal {what} failed, last: HTTP {(int)response.StatusCode}.", null, response.StatusCode);
            }
            return new Response((int)response.StatusCode, body);
        }
        catch (Exception e) when (e is Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
            || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // A timeout may still be processed by PayPal, and an open circuit says PayPal has been failing: either way
            // the outcome is unknown, as after spent retries.
            throw new HttpRequestException($"PayPal {what} failed: {e.Message}", e);
        }
    }

    private static T Read<T>(Response response)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(response.Body, PayPalJson.Options) ?? throw Unreadable(response, "a body");
        }
        catch (JsonException e)
        {
            throw new PayPalException($"PayPal's HTTP {response.Status} answer is not the JSON documented: {e.Message}", response.Status);
        }
    }

    private static ErrorResponse? ReadError(Response response)
    {
        try
        {
            return JsonSerializer.Deserialize<ErrorResponse>(response.Body, PayPalJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static PayPalException Refused(Response response, ErrorResponse? error)
    {
        var name = error?.Name ?? error?.Error;
        var message = error?.Message ?? error?.ErrorDescription ?? "no error body";
        var issues = (error?.Details ?? [])
            .Where(detail => detail.Issue is not null)
            .Select(detail => detail.Field is null ? detail.Issue : $"{detail.Field}: {detail.Issue}");
        var text = string.Join("; ", [message, .. issues]);
        return new PayPalException(string.Create(CultureInfo.InvariantCulture, $"PayPal refused with HTTP {response.Status} {name}: {text}"), response.Status, name);
    }

    private static PayPalException Unreadable(Response response, string field) =>
        new($"PayPal's HTTP {response.Status} answer lacks {field}.", response.Status);

    private static string? Header(IReadOnlyDictionary<string, string> headers, string name) =>
        headers.TryGetValue(name, out var exact)
            ? exact
            : headers.FirstOrDefault(pair => string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    private static bool IsJsonObject(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
