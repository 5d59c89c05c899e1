using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Remit.Payments.PayPal;

namespace Remit.Tests.Payments.PayPal;

/// <summary>One request as the fake received it, with the status it answered.</summary>
public sealed record FakePayPalRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset ReceivedAt)
{
    public int Status { get; internal set; }

    public string? PayPalRequestId => Headers.GetValueOrDefault("PayPal-Request-Id");

    /// <summary>The sender_batch_id of a create-batch request.</summary>
    public string? SenderBatchId => Body.Length == 0 ? null : JsonNode.Parse(Body)?["sender_batch_header"]?["sender_batch_id"]?.GetValue<string>();

    public JsonNode? Json => JsonNode.Parse(Body);
}

/// <summary>
/// PayPal's Payouts, OAuth2 and webhook-verification endpoints on a real Kestrel socket (127.0.0.1, a free port),
/// speaking the documented request and response shapes. Receivers script their outcome by the local part of the
/// address: "fail…@" → FAILED (RECEIVER_UNREGISTERED), "unclaimed…@" → UNCLAIMED (RECEIVER_UNREGISTERED, as PayPal
/// reports an address without an account), "pending…@" → PENDING, "onhold…@" → ONHOLD, anyone else → SUCCESS;
/// <see cref="SetItemStatus"/> moves items on later. Like PayPal it replays its first answer to a repeated
/// PayPal-Request-Id and refuses a sender_batch_id it has seen, linking the original batch.
/// </summary>
public sealed partial class FakePayPal : IAsyncDisposable
{
    private static readonly HashSet<string> ZeroDecimalCurrencies = new(StringComparer.Ordinal) { "HUF", "JPY", "TWD" };
    private static readonly HashSet<string> Statuses = new(StringComparer.Ordinal)
        { "SUCCESS", "FAILED", "PENDING", "UNCLAIMED", "RETURNED", "ONHOLD", "BLOCKED", "REFUNDED", "REVERSED" };

    private readonly WebApplication app;
    private readonly TimeProvider clock;
    private readonly Lock gate = new();
    private readonly List<FakePayPalRequest> requests = [];
    private readonly Dictionary<string, DateTimeOffset> tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Batch> batches = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Status, string Body)> answersByRequestId = new(StringComparer.Ordinal);
    private (int Count, int Status, string PathPrefix) failNext;
    private (int Count, int Status) failAfterCreating;

    private FakePayPal(WebApplication app, TimeProvider clock)
    {
        this.app = app;
        this.clock = clock;
    }

    public Uri BaseUrl { get; private set; } = null!;
    public string ClientId { get; } = "fake-client-" + RandomId(8);
    public string ClientSecret { get; } = "fake-secret-" + RandomId(16);
    public PayPalCredentials Credentials => new(ClientId, ClientSecret, BaseUrl);

    /// <summary>The webhook id the merchant registered; verification fails for any other.</summary>
    public string WebhookId { get; } = RandomId(17);

    /// <summary>The only transmission_sig that verify-webhook-signature accepts.</summary>
    public string WebhookSignature { get; set; } = "fake-signature-" + RandomId(12);

    /// <summary>Refuses a reused sender_batch_id without the link to the original batch, as PayPal has been seen doing.</summary>
    public bool DuplicateWithoutLink { get; set; }

    /// <summary>The PayPal batch id it gave the batch of <paramref name="senderBatchId"/>.</summary>
    public string PayoutBatchIdOf(string senderBatchId)
    {
        lock (gate)
        {
            return batches.Values.Single(batch => batch.SenderBatchId == senderBatchId).PayoutBatchId;
        }
    }

    /// <summary>The Retry-After an outage answer (<see cref="FailNext"/>) carries, if any.</summary>
    public TimeSpan? OutageRetryAfter { get; set; }

    /// <summary>expires_in of the tokens it issues (PayPal's are about nine hours).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromSeconds(32400);

    /// <summary>Pages of batch items hold at most this many, whatever page_size asks, to exercise paging.</summary>
    public int PageSizeLimit { get; set; } = 1000;

    public IReadOnlyList<FakePayPalRequest> Requests
    {
        get { lock (gate) { return [.. requests]; } }
    }

    public int BatchCount
    {
        get { lock (gate) { return batches.Count; } }
    }

    /// <param name="clock">Decides token expiry and the timestamps of requests and items.</param>
    public static async Task<FakePayPal> StartAsync(TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        var fake = new FakePayPal(app, clock ?? TimeProvider.System);
        fake.Map();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        fake.BaseUrl = new Uri(address);
        return fake;
    }

    /// <summary>The next <paramref name="count"/> requests whose path starts with <paramref name="pathPrefix"/> get
    /// <paramref name="status"/> without being handled, as a PayPal outage would answer.</summary>
    public void FailNext(int count, int status, string pathPrefix = "/")
    {
        lock (gate) { failNext = (count, status, pathPrefix); }
    }

    /// <summary>The next <paramref name="count"/> create-batch requests are carried out and then answered with
    /// <paramref name="status"/>: the response was lost, the money moved.</summary>
    public void FailNextAfterCreating(int count, int status)
    {
        lock (gate) { failAfterCreating = (count, status); }
    }

    /// <summary>Moves an item on, as PayPal does later (PENDING → SUCCESS, SUCCESS → RETURNED, ...). Items that reach
    /// a paid state get a transaction id if they had none; an error is kept only when given.</summary>
    public void SetItemStatus(string payoutItemId, string status, string? errorName = null, string? errorMessage = null)
    {
        CheckStatus(status);
        lock (gate)
        {
            var item = batches.Values.SelectMany(batch => batch.Items).SingleOrDefault(item => item.PayoutItemId == payoutItemId)
                ?? throw new ArgumentException($"No payout item {payoutItemId}.", nameof(payoutItemId));
            item.Status = status;
            item.ErrorName = errorName;
            item.ErrorMessage = errorMessage ?? errorName;
            if (status is "SUCCESS" or "UNCLAIMED" or "RETURNED" or "REFUNDED" or "REVERSED")
            {
                item.TransactionId ??= TransactionId();
            }
        }
    }

    /// <summary>Every token it issued stops working before its expiry, as when PayPal revokes them.</summary>
    public void RevokeTokens()
    {
        lock (gate) { tokens.Clear(); }
    }

    /// <summary>PayPal keeps PayPal-Request-Id keys for a limited time; after that only sender_batch_id protects.</summary>
    public void ForgetRequestIds()
    {
        lock (gate) { answersByRequestId.Clear(); }
    }

    public string PayoutItemIdOf(string senderItemId)
    {
        lock (gate)
        {
            return batches.Values.SelectMany(batch => batch.Items).Single(item => item.SenderItemId == senderItemId).PayoutItemId;
        }
    }

    /// <summary>The body PayPal would POST to a webhook listener for this item (resource = the payout item).</summary>
    public string WebhookBody(string payoutItemId, string eventType)
    {
        lock (gate)
        {
            var batch = batches.Values.Single(batch => batch.Items.Any(item => item.PayoutItemId == payoutItemId));
            var item = batch.Items.Single(item => item.PayoutItemId == payoutItemId);
            var resource = ItemJson(batch, item);
            resource["sender_batch_id"] = batch.SenderBatchId;
            return new JsonObject
            {
                ["id"] = "WH-" + RandomId(17),
                ["event_version"] = "1.0",
                ["create_time"] = Timestamp(clock.GetUtcNow()),
                ["resource_type"] = "payouts_item",
                ["event_type"] = eventType,
                ["summary"] = "A payout item has changed.",
                ["resource"] = resource,
                ["links"] = new JsonArray(Link(new Uri(BaseUrl, $"/v1/notifications/webhooks-events/WH-{RandomId(17)}"), "self")),
            }.ToJsonString();
        }
    }

    /// <summary>The headers PayPal sends with a webhook delivery, signed with <paramref name="signature"/>.</summary>
    public IReadOnlyDictionary<string, string> WebhookHeaders(string signature) => new Dictionary<string, string>
    {
        ["PAYPAL-AUTH-ALGO"] = "SHA256withRSA",
        ["PAYPAL-CERT-URL"] = new Uri(BaseUrl, "/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270").ToString(),
        ["PAYPAL-TRANSMISSION-ID"] = Guid.NewGuid().ToString(),
        ["PAYPAL-TRANSMISSION-SIG"] = signature,
        ["PAYPAL-TRANSMISSION-TIME"] = Timestamp(clock.GetUtcNow()),
    };

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed record Outcome(string Status, string? ErrorName, string? ErrorMessage);

    private sealed class Batch(string payoutBatchId, string senderBatchId, JsonObject senderHeader, DateTimeOffset created)
    {
        public string PayoutBatchId { get; } = payoutBatchId;
        public string SenderBatchId { get; } = senderBatchId;
        public JsonObject SenderHeader { get; } = senderHeader;
        public DateTimeOffset Created { get; } = created;
        public List<Item> Items { get; } = [];
    }

    private sealed class Item(string payoutItemId, string senderItemId, string receiver, string value, string currency, string? note)
    {
        public string PayoutItemId { get; } = payoutItemId;
        public string SenderItemId { get; } = senderItemId;
        public string Receiver { get; } = receiver;
        public string Value { get; } = value;
        public string Currency { get; } = currency;
        public string? Note { get; } = note;
        public required string Status { get; set; }
        public string? TransactionId { get; set; }
        public string? ErrorName { get; set; }
        public string? ErrorMessage { get; set; }
    }

    private void Map()
    {
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true).ReadToEndAsync();
            context.Request.Body.Position = 0;
            var recorded = new FakePayPalRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "",
                context.Request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body,
                clock.GetUtcNow());
            int? outage = null;
            lock (gate)
            {
                requests.Add(recorded);
                if (failNext.Count > 0 && recorded.Path.StartsWith(failNext.PathPrefix, StringComparison.Ordinal))
                {
                    failNext.Count--;
                    outage = failNext.Status;
                }
            }
            if (outage is { } status)
            {
                if (OutageRetryAfter is { } wait)
                {
                    context.Response.Headers.RetryAfter = ((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }
                await Error(status, status == 503 ? "SERVICE_UNAVAILABLE" : "INTERNAL_SERVER_ERROR", "An internal service error has occurred.").ExecuteAsync(context);
            }
            else
            {
                await next(context);
            }
            recorded.Status = context.Response.StatusCode;
        });

        app.MapPost("/v1/oauth2/token", Handle(IssueToken));
        app.MapPost("/v1/payments/payouts", Handle(context => Authorized(context, () => CreateBatch(context))));
        app.MapGet("/v1/payments/payouts/{id}", Handle(context =>
            Authorized(context, () => Task.FromResult(ShowBatch(context, (string)context.Request.RouteValues["id"]!)))));
        app.MapPost("/v1/notifications/verify-webhook-signature", Handle(context => Authorized(context, () => VerifyWebhook(context))));
    }

    private static RequestDelegate Handle(Func<HttpContext, Task<IResult>> handler) =>
        async context => await (await handler(context)).ExecuteAsync(context);

    private async Task<IResult> IssueToken(HttpContext context)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ClientId}:{ClientSecret}"));
        if (context.Request.Headers.Authorization.ToString() != expected)
        {
            return Results.Json(new { error = "invalid_client", error_description = "Client Authentication failed" }, statusCode: 401);
        }
        if (!context.Request.HasFormContentType || (await context.Request.ReadFormAsync())["grant_type"] != "client_credentials")
        {
            return Results.Json(new { error = "unsupported_grant_type", error_description = "Grant Type is NULL" }, statusCode: 400);
        }
        var token = "A21AA" + RandomId(40);
        lock (gate) { tokens[token] = clock.GetUtcNow() + TokenLifetime; }
        return Results.Json(new
        {
            scope = "https://uri.paypal.com/services/payments/payouts https://uri.paypal.com/services/applications/webhooks",
            access_token = token,
            token_type = "Bearer",
            app_id = "APP-80W284485P519543T",
            expires_in = (long)TokenLifetime.TotalSeconds,
            nonce = Timestamp(clock.GetUtcNow()) + RandomId(20),
        });
    }

    private async Task<IResult> Authorized(HttpContext context, Func<Task<IResult>> handle)
    {
        var header = context.Request.Headers.Authorization.ToString();
        bool valid;
        lock (gate)
        {
            valid = header.StartsWith("Bearer ", StringComparison.Ordinal)
                && tokens.TryGetValue(header["Bearer ".Length..], out var expires)
                && clock.GetUtcNow() < expires;
        }
        return valid
            ? await handle()
            : Error(401, "AUTHENTICATION_FAILURE", "Authentication failed due to invalid authentication credentials or a missing Authorization header.");
    }

    private async Task<IResult> CreateBatch(HttpContext context)
    {
        var requestId = context.Request.Headers["PayPal-Request-Id"].ToString();
        lock (gate)
        {
            if (requestId.Length > 0 && answersByRequestId.TryGetValue(requestId, out var earlier))
            {
                return Results.Text(earlier.Body, "application/json", Encoding.UTF8, earlier.Status);
            }
        }

        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return Validation(("body", "MALFORMED_REQUEST_JSON"));
        }
        if (body is null)
        {
            return Validation(("body", "MALFORMED_REQUEST_JSON"));
        }
        var (senderHeader, parsed, issues) = ParsePayout(body);
        if (issues.Count > 0)
        {
            return Validation([.. issues]);
        }
        var senderBatchId = senderHeader!["sender_batch_id"]!.GetValue<string>();

        lock (gate)
        {
            var existing = batches.Values.FirstOrDefault(batch => batch.SenderBatchId == senderBatchId);
            if (existing is not null)
            {
                return DuplicateSenderBatchId(existing);
            }

            var batch = new Batch(RandomId(13), senderBatchId, senderHeader, clock.GetUtcNow());
            foreach (var (senderItemId, receiver, value, currency, note) in parsed)
            {
                var outcome = OutcomeFor(receiver);
                batch.Items.Add(new Item(RandomId(13), senderItemId, receiver, value, currency, note)
                {
                    Status = outcome.Status,
                    ErrorName = outcome.ErrorName,
                    ErrorMessage = outcome.ErrorMessage,
                    TransactionId = outcome.Status is "SUCCESS" or "UNCLAIMED" ? TransactionId() : null,
                });
            }
            batches[batch.PayoutBatchId] = batch;

            var created = new JsonObject
            {
                ["batch_header"] = new JsonObject
                {
                    ["payout_batch_id"] = batch.PayoutBatchId,
                    ["batch_status"] = "PENDING",
                    ["sender_batch_header"] = senderHeader.DeepClone(),
                },
                ["links"] = new JsonArray(Link(BatchUrl(batch), "self")),
            }.ToJsonString();
            if (requestId.Length > 0)
            {
                answersByRequestId[requestId] = (201, created);
            }
            if (failAfterCreating.Count > 0)
            {
                failAfterCreating.Count--;
                return Error(failAfterCreating.Status, "INTERNAL_SERVER_ERROR", "An internal service error has occurred.");
            }
            return Results.Text(created, "application/json", Encoding.UTF8, 201);
        }
    }

    private static (JsonObject? Header, List<(string SenderItemId, string Receiver, string Value, string Currency, string? Note)> Items, List<(string Field, string Issue)> Issues) ParsePayout(JsonObject body)
    {
        var issues = new List<(string Field, string Issue)>();
        var items = new List<(string, string, string, string, string?)>();
        var header = body["sender_batch_header"] as JsonObject;
        if (header is null)
        {
            issues.Add(("sender_batch_header", "Required field missing"));
        }
        else if (StringAt(header, "sender_batch_id") is not { Length: > 0 and <= 256 })
        {
            issues.Add(("sender_batch_header.sender_batch_id", "Required field missing or longer than 256 characters"));
        }
        if (header is not null && StringAt(header, "recipient_type") is { } headerType && headerType != "EMAIL")
        {
            issues.Add(("sender_batch_header.recipient_type", "Only EMAIL receivers are faked"));
        }

        if (body["items"] is not JsonArray array || array.Count is 0 or > 15000)
        {
            issues.Add(("items", "Between 1 and 15000 items are required"));
            return (header, items, issues);
        }
        var senderItemIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var field = $"items[{i}]";
            if (array[i] is not JsonObject item)
            {
                issues.Add((field, "Must be an object"));
                continue;
            }
            var recipientType = StringAt(item, "recipient_type") ?? (header is null ? null : StringAt(header, "recipient_type"));
            if (recipientType != "EMAIL")
            {
                issues.Add(($"{field}.recipient_type", "Must be EMAIL"));
            }
            var receiver = StringAt(item, "receiver");
            if (receiver is null || !EmailShape().IsMatch(receiver) || receiver.Length > 127)
            {
                issues.Add(($"{field}.receiver", "Must be an email address"));
            }
            var senderItemId = StringAt(item, "sender_item_id");
            if (senderItemId is not { Length: > 0 and <= 63 } || !senderItemIds.Add(senderItemId))
            {
                issues.Add(($"{field}.sender_item_id", "Required, at most 63 characters, unique in the batch"));
            }
            var amount = item["amount"] as JsonObject;
            var currency = amount is null ? null : StringAt(amount, "currency");
            var value = amount is null ? null : StringAt(amount, "value");
            if (currency is null || currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
            {
                issues.Add(($"{field}.amount.currency", "Must be an ISO 4217 code"));
            }
            else if (value is null || !AmountShape(currency).IsMatch(value) || decimal.Parse(value, CultureInfo.InvariantCulture) <= 0)
            {
                issues.Add(($"{field}.amount.value", $"Must be a positive amount string with {(ZeroDecimalCurrencies.Contains(currency) ? 0 : 2)} decimals"));
            }
            var note = StringAt(item, "note");
            if (issues.Count == 0)
            {
                items.Add((senderItemId!, receiver!, value!, currency!, note));
            }
        }
        return (header, items, issues);
    }

    private IResult ShowBatch(HttpContext context, string id)
    {
        var query = context.Request.Query;
        var page = int.TryParse(query["page"], out var askedPage) ? askedPage : 1;
        var pageSize = int.TryParse(query["page_size"], out var askedSize) ? askedSize : 1000;
        if (page < 1 || pageSize is < 1 or > 1000)
        {
            return Validation(("page_size", "page must be 1 or more and page_size 1 to 1000"));
        }
        pageSize = Math.Min(pageSize, PageSizeLimit);

        lock (gate)
        {
            if (!batches.TryGetValue(id, out var batch))
            {
                return Error(404, "INVALID_RESOURCE_ID", "Requested resource ID was not found.");
            }
            var totalPages = (batch.Items.Count + pageSize - 1) / pageSize;
            var links = new JsonArray(Link(BatchUrl(batch, page, pageSize), "self"));
            if (page < totalPages)
            {
                links.Add(Link(BatchUrl(batch, page + 1, pageSize), "next"));
            }
            var answer = new JsonObject
            {
                ["batch_header"] = new JsonObject
                {
                    ["payout_batch_id"] = batch.PayoutBatchId,
                    ["batch_status"] = batch.Items.Any(item => item.Status is "PENDING" or "ONHOLD") ? "PROCESSING" : "SUCCESS",
                    ["time_created"] = Timestamp(batch.Created),
                    ["sender_batch_header"] = batch.SenderHeader.DeepClone(),
                    ["funding_source"] = "BALANCE",
                },
                ["items"] = new JsonArray([.. batch.Items.Skip((page - 1) * pageSize).Take(pageSize).Select(item => (JsonNode)ItemJson(batch, item))]),
                ["links"] = links,
            };
            if (query["total_required"] == "true")
            {
                answer["total_items"] = batch.Items.Count;
                answer["total_pages"] = totalPages;
            }
            return Results.Text(answer.ToJsonString(), "application/json", Encoding.UTF8, 200);
        }
    }

    private async Task<IResult> VerifyWebhook(HttpContext context)
    {
        JsonObject? body;
        try
        {
            body = await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }
        if (body is null)
        {
            return Validation(("body", "MALFORMED_REQUEST_JSON"));
        }
        string[] required = ["auth_algo", "cert_url", "transmission_id", "transmission_sig", "transmission_time", "webhook_id"];
        var missing = required.Where(field => StringAt(body, field) is not { Length: > 0 }).Select(field => (field, "Required field missing")).ToList();
        // A classic mistake is sending the event as a JSON string: PayPal wants the object.
        if (body["webhook_event"] is not JsonObject)
        {
            missing.Add(("webhook_event", "Must be the webhook event object"));
        }
        if (missing.Count > 0)
        {
            return Validation([.. missing]);
        }
        var genuine = StringAt(body, "transmission_sig") == WebhookSignature && StringAt(body, "webhook_id") == WebhookId;
        return Results.Json(new { verification_status = genuine ? "SUCCESS" : "FAILURE" });
    }

    private JsonObject ItemJson(Batch batch, Item item)
    {
        var json = new JsonObject
        {
            ["payout_item_id"] = item.PayoutItemId,
            ["transaction_status"] = item.Status,
            ["payout_batch_id"] = batch.PayoutBatchId,
            ["payout_item"] = new JsonObject
            {
                ["recipient_type"] = "EMAIL",
                ["amount"] = new JsonObject { ["currency"] = item.Currency, ["value"] = item.Value },
                ["note"] = item.Note,
                ["receiver"] = item.Receiver,
                ["sender_item_id"] = item.SenderItemId,
                ["recipient_wallet"] = "PAYPAL",
            },
            ["time_processed"] = Timestamp(batch.Created),
            ["links"] = new JsonArray(Link(new Uri(BaseUrl, $"/v1/payments/payouts-item/{item.PayoutItemId}"), "item")),
        };
        if (item.Note is null)
        {
            json["payout_item"]!.AsObject().Remove("note");
        }
        if (item.TransactionId is not null)
        {
            json["transaction_id"] = item.TransactionId;
        }
        if (item.ErrorName is not null)
        {
            json["errors"] = new JsonObject
            {
                ["name"] = item.ErrorName,
                ["message"] = item.ErrorMessage,
                ["information_link"] = "https://developer.paypal.com/docs/api/payments.payouts-batch/#errors",
                ["details"] = new JsonArray(),
                ["links"] = new JsonArray(),
            };
        }
        return json;
    }

    // The body PayPal's sandbox sends when a sender_batch_id is reused: the link sits in details[].link.
    private IResult DuplicateSenderBatchId(Batch existing)
    {
        var body = ErrorBody("USER_BUSINESS_ERROR", "User business error.");
        body["details"] = new JsonArray(new JsonObject
        {
            ["field"] = "SENDER_BATCH_ID",
            ["location"] = "body",
            ["issue"] = "Batch with given sender_batch_id already exists",
        });
        if (!DuplicateWithoutLink)
        {
            body["details"]![0]!["link"] = new JsonArray(Link(BatchUrl(existing), "self"));
        }
        return Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, 400);
    }

    private static Outcome OutcomeFor(string receiver)
    {
        var local = receiver[..receiver.IndexOf('@', StringComparison.Ordinal)].ToLowerInvariant();
        return local switch
        {
            _ when local.StartsWith("fail", StringComparison.Ordinal) => new Outcome("FAILED", "RECEIVER_UNREGISTERED", "Receiver is unregistered."),
            _ when local.StartsWith("unclaimed", StringComparison.Ordinal) => new Outcome("UNCLAIMED", "RECEIVER_UNREGISTERED",
                "The recipient for this payout does not have an account. A link to sign up for an account was sent to the recipient."),
            _ when local.StartsWith("pending", StringComparison.Ordinal) => new Outcome("PENDING", null, null),
            _ when local.StartsWith("onhold", StringComparison.Ordinal) => new Outcome("ONHOLD", null, null),
            _ => new Outcome("SUCCESS", null, null),
        };
    }

    private static IResult Validation(params (string Field, string Issue)[] issues)
    {
        var body = ErrorBody("VALIDATION_ERROR", "Invalid request - see details.");
        body["details"] = new JsonArray([.. issues.Select(issue => (JsonNode)new JsonObject
        {
            ["field"] = issue.Field,
            ["location"] = "body",
            ["issue"] = issue.Issue,
        })]);
        return Results.Text(body.ToJsonString(), "application/json", Encoding.UTF8, 400);
    }

    private static IResult Error(int status, string name, string message) =>
        Results.Text(ErrorBody(name, message).ToJsonString(), "application/json", Encoding.UTF8, status);

    private static JsonObject ErrorBody(string name, string message) => new()
    {
        ["name"] = name,
        ["message"] = message,
        ["debug_id"] = RandomId(13).ToLowerInvariant(),
        ["information_link"] = "https://developer.paypal.com/docs/api/payments.payouts-batch/#errors",
        ["details"] = new JsonArray(),
        ["links"] = new JsonArray(),
    };

    private Uri BatchUrl(Batch batch) => new(BaseUrl, $"/v1/payments/payouts/{batch.PayoutBatchId}");

    private Uri BatchUrl(Batch batch, int page, int pageSize) => new(BaseUrl, $"/v1/payments/payouts/{batch.PayoutBatchId}?page_size={pageSize}&page={page}");

    private static JsonObject Link(Uri href, string rel) => new()
    {
        ["href"] = href.ToString(),
        ["rel"] = rel,
        ["method"] = "GET",
        ["encType"] = "application/json",
    };

    private static string? StringAt(JsonObject json, string name) =>
        json[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static Regex AmountShape(string currency) => ZeroDecimalCurrencies.Contains(currency) ? WholeAmount() : TwoDecimalAmount();

    [GeneratedRegex(@"^[0-9]{1,7}\.[0-9]{2}$")]
    private static partial Regex TwoDecimalAmount();

    [GeneratedRegex(@"^[0-9]{1,9}$")]
    private static partial Regex WholeAmount();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailShape();

    private static void CheckStatus(string status)
    {
        if (!Statuses.Contains(status))
        {
            throw new ArgumentException($"{status} is not a PayPal transaction_status.", nameof(status));
        }
    }

    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string TransactionId() => RandomId(17);

    private static string RandomId(int length) => RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", length);
}
