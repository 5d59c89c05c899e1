using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Remit.Payments.PayPal;

namespace Remit.Tests.Payments.PayPal;

public sealed class PayPalClientTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private ServiceProvider services = null!;
    private FakePayPal fake = null!;
    private PayPalClient client = null!;

    public async Task InitializeAsync()
    {
        fake = await FakePayPal.StartAsync(clock);
        // As the app registers it: a typed client whose HttpClient carries the resilience pipeline, on the test's clock.
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(clock);
        collection.AddHttpClient<PayPalClient>().AddPayPalResilience();
        services = collection.BuildServiceProvider();
        client = NewClient();
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        await fake.DisposeAsync();
    }

    private PayPalClient NewClient() => services.GetRequiredService<PayPalClient>();

    private static PayPalPayoutItem Item(string senderItemId, string email, string amount = "12.50", string? note = "Thanks for the referrals") =>
        new(senderItemId, email, amount, "USD", note);

    private Task<PayPalBatchResult> Create(string senderBatchId, params PayPalPayoutItem[] items) =>
        client.CreateBatchAsync(fake.Credentials, senderBatchId, "You have a payout", items, CancellationToken.None);

    private Task<PayPalBatchResult> Get(string payoutBatchId) =>
        client.GetBatchAsync(fake.Credentials, payoutBatchId, CancellationToken.None);

    private List<FakePayPalRequest> Posts() =>
        [.. fake.Requests.Where(request => request.Method == "POST" && request.Path == "/v1/payments/payouts")];

    private int TokenRequests() => fake.Requests.Count(request => request.Path == "/v1/oauth2/token");

    // The client waits on the fake clock between attempts; move it on in small steps until the call is done, so a
    // request sent without waiting shows up as (nearly) no time between attempts.
    private async Task<T> Advancing<T>(Task<T> call)
    {
        while (!call.IsCompleted)
        {
            await Task.WhenAny(call, Task.Delay(5));
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }
        return await call;
    }

    [Fact]
    public async Task A_batch_goes_out_with_string_amounts_and_its_items_come_back_by_sender_item_id()
    {
        var created = await Create("remit-batch-1", Item("101", "ann@example.com", "12.50"), Item("102", "bob@example.com", "1000.05", note: null));

        Assert.False(string.IsNullOrEmpty(created.PayoutBatchId));
        Assert.Equal("PENDING", created.BatchStatus);
        Assert.False(created.AlreadySent);

        var sent = Assert.Single(Posts()).Json!;
        Assert.Equal("remit-batch-1", sent["sender_batch_header"]!["sender_batch_id"]!.GetValue<string>());
        Assert.Equal("You have a payout", sent["sender_batch_header"]!["email_subject"]!.GetValue<string>());
        Assert.Equal("EMAIL", sent["sender_batch_header"]!["recipient_type"]!.GetValue<string>());
        var first = sent["items"]![0]!;
        Assert.Equal(JsonValueKind.String, first["amount"]!["value"]!.GetValueKind());
        Assert.Equal("12.50", first["amount"]!["value"]!.GetValue<string>());
        Assert.Equal("USD", first["amount"]!["currency"]!.GetValue<string>());
        Assert.Equal("ann@example.com", first["receiver"]!.GetValue<string>());
        Assert.Equal("101", first["sender_item_id"]!.GetValue<string>());
        Assert.Equal("EMAIL", first["recipient_type"]!.GetValue<string>());
        Assert.Equal("Thanks for the referrals", first["note"]!.GetValue<string>());
        Assert.False(sent["items"]![1]!.AsObject().ContainsKey("note"));

        var batch = await Get(created.PayoutBatchId);

        Assert.Equal(created.PayoutBatchId, batch.PayoutBatchId);
        Assert.Equal("SUCCESS", batch.BatchStatus);
        Assert.Equal(["101", "102"], batch.Items.Select(item => item.SenderItemId));
        Assert.All(batch.Items, item =>
        {
            Assert.Equal("SUCCESS", item.TransactionStatus);
            Assert.False(string.IsNullOrEmpty(item.TransactionId));
            Assert.False(string.IsNullOrEmpty(item.PayoutItemId));
            Assert.Null(item.ErrorName);
        });
    }

    [Fact]
    public async Task One_token_serves_every_call_and_every_client_instance_until_shortly_before_it_expires()
    {
        fake.TokenLifetime = TimeSpan.FromHours(1);
        var created = await Create("remit-batch-2", Item("101", "ann@example.com"));
        // AddHttpClient makes a new PayPalClient per use; the token must outlive the instance.
        await NewClient().GetBatchAsync(fake.Credentials, created.PayoutBatchId, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(54));
        await Get(created.PayoutBatchId);

        Assert.Equal(1, TokenRequests());
        var tokenRequest = fake.Requests.Single(request => request.Path == "/v1/oauth2/token");
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{fake.ClientId}:{fake.ClientSecret}")), tokenRequest.Headers["Authorization"]);
        Assert.Equal("grant_type=client_credentials", tokenRequest.Body);
        var bearer = Assert.Single(fake.Requests.Where(request => request.Path.StartsWith("/v1/payments/", StringComparison.Ordinal)).Select(request => request.Headers["Authorization"]).Distinct());
        Assert.StartsWith("Bearer A21AA", bearer, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromMinutes(2));
        await Get(created.PayoutBatchId);

        Assert.Equal(2, TokenRequests());
        Assert.DoesNotContain(fake.Requests, request => request.Status == 401);
    }

    [Fact]
    public async Task A_token_paypal_revoked_is_replaced_once_and_the_call_goes_through()
    {
        var created = await Create("remit-batch-3", Item("101", "ann@example.com"));
        fake.RevokeTokens();

        var batch = await Get(created.PayoutBatchId);

        Assert.Equal("SUCCESS", Assert.Single(batch.Items).TransactionStatus);
        Assert.Equal(2, TokenRequests());
        Assert.Single(fake.Requests, request => request.Status == 401);
    }

    [Fact]
    public async Task A_failed_item_carries_paypals_error_name_while_the_others_succeed()
    {
        var created = await Create("remit-batch-4", Item("101", "ann@example.com"), Item("102", "fail@example.com"), Item("103", "bob@example.com"));

        var batch = await Get(created.PayoutBatchId);

        var failed = Assert.Single(batch.Items, item => item.TransactionStatus == "FAILED");
        Assert.Equal("102", failed.SenderItemId);
        Assert.Equal("RECEIVER_UNREGISTERED", failed.ErrorName);
        Assert.False(string.IsNullOrEmpty(failed.ErrorMessage));
        Assert.Null(failed.TransactionId);
        Assert.Equal(["101", "103"], batch.Items.Where(item => item.TransactionStatus == "SUCCESS").Select(item => item.SenderItemId));
    }

    [Fact]
    public async Task A_receiver_without_a_paypal_account_leaves_the_item_unclaimed()
    {
        var created = await Create("remit-batch-5", Item("101", "unclaimed@example.com"));

        var item = Assert.Single((await Get(created.PayoutBatchId)).Items);

        Assert.Equal("UNCLAIMED", item.TransactionStatus);
        Assert.Equal("RECEIVER_UNREGISTERED", item.ErrorName);
        Assert.Equal("101", item.SenderItemId);
    }

    [Fact]
    public async Task After_5xx_the_same_batch_is_sent_again_with_backoff_and_paid_once()
    {
        fake.FailNext(2, 503, "/v1/payments/payouts");

        var created = await Advancing(Create("remit-batch-6", Item("101", "ann@example.com"), Item("102", "bob@example.com")));

        Assert.False(string.IsNullOrEmpty(created.PayoutBatchId));
        var posts = Posts();
        Assert.Equal([503, 503, 201], posts.Select(post => post.Status));
        Assert.All(posts, post => Assert.Equal("remit-batch-6", post.SenderBatchId));
        Assert.All(posts, post => Assert.Equal(posts[0].Body, post.Body));
        var requestId = Assert.Single(posts.Select(post => post.PayPalRequestId).Distinct());
        Assert.False(string.IsNullOrEmpty(requestId));
        Assert.True(posts[1].ReceivedAt - posts[0].ReceivedAt >= TimeSpan.FromSeconds(1));
        Assert.True(posts[2].ReceivedAt - posts[1].ReceivedAt >= TimeSpan.FromSeconds(2));
        Assert.Equal(1, fake.BatchCount);
    }

    [Fact]
    public async Task Paypals_retry_after_sets_the_wait_before_the_same_batch_is_sent_again()
    {
        fake.FailNext(1, 429, "/v1/payments/payouts");
        fake.OutageRetryAfter = TimeSpan.FromSeconds(12);

        await Advancing(Create("remit-batch-17", Item("101", "ann@example.com")));

        var posts = Posts();
        Assert.Equal([429, 201], posts.Select(post => post.Status));
        Assert.True(posts[1].ReceivedAt - posts[0].ReceivedAt >= TimeSpan.FromSeconds(12));
        Assert.Equal(posts[0].PayPalRequestId, posts[1].PayPalRequestId);
        Assert.Equal(1, fake.BatchCount);
    }

    [Fact]
    public async Task A_lost_response_after_paypal_made_the_batch_is_retried_into_that_same_batch()
    {
        fake.FailNextAfterCreating(1, 500);

        var created = await Advancing(Create("remit-batch-7", Item("101", "ann@example.com")));

        Assert.Equal([500, 201], Posts().Select(post => post.Status));
        Assert.Equal(1, fake.BatchCount);
        Assert.Equal(fake.PayoutItemIdOf("101"), Assert.Single((await Get(created.PayoutBatchId)).Items).PayoutItemId);
    }

    [Fact]
    public async Task A_persistent_outage_ends_in_an_http_error_after_a_bounded_number_of_attempts()
    {
        fake.FailNext(100, 500, "/v1/payments/payouts");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => Advancing(Create("remit-batch-8", Item("101", "ann@example.com"))));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(PayPalResilience.MaxRetries + 1, Posts().Count);
        Assert.All(Posts(), post => Assert.Equal("remit-batch-8", post.SenderBatchId));
        Assert.Equal(0, fake.BatchCount);
    }

    [Fact]
    public async Task Wrong_credentials_fail_at_once_without_retries_or_a_payout_request()
    {
        var wrong = fake.Credentials with { ClientSecret = "not-the-secret" };

        // Advancing, so a client that wrongly retried would show its extra requests instead of waiting forever.
        var error = await Assert.ThrowsAsync<PayPalException>(() =>
            Advancing(client.CreateBatchAsync(wrong, "remit-batch-9", "You have a payout", [Item("101", "ann@example.com")], CancellationToken.None)));

        Assert.Equal(401, error.Status);
        Assert.Equal("invalid_client", error.Name);
        Assert.Single(fake.Requests);
        Assert.Empty(Posts());
        Assert.DoesNotContain("not-the-secret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", wrong.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_amount_without_the_currencys_decimals_is_refused_by_paypal_and_not_retried()
    {
        var error = await Assert.ThrowsAsync<PayPalException>(() => Advancing(Create("remit-batch-10", Item("101", "ann@example.com", "12.5"))));

        Assert.Equal(400, error.Status);
        Assert.Equal("VALIDATION_ERROR", error.Name);
        Assert.Contains("items[0].amount.value", error.Message, StringComparison.Ordinal);
        Assert.Single(Posts());
        Assert.Equal(0, fake.BatchCount);
    }

    [Fact]
    public async Task Sending_the_same_batch_again_gets_paypals_first_answer_back()
    {
        var first = await Create("remit-batch-11", Item("101", "ann@example.com"));

        var again = await Create("remit-batch-11", Item("101", "ann@example.com"));

        Assert.Equal(first.PayoutBatchId, again.PayoutBatchId);
        Assert.Equal([201, 201], Posts().Select(post => post.Status));
        Assert.Equal(1, fake.BatchCount);
    }

    [Fact]
    public async Task A_sender_batch_id_paypal_has_seen_returns_the_original_batch_marked_already_sent()
    {
        var first = await Create("remit-batch-12", Item("101", "ann@example.com"), Item("102", "fail@example.com"));
        fake.ForgetRequestIds();

        var again = await Create("remit-batch-12", Item("101", "ann@example.com"), Item("102", "fail@example.com"));

        Assert.True(again.AlreadySent);
        Assert.Equal(first.PayoutBatchId, again.PayoutBatchId);
        Assert.Equal([("101", "SUCCESS"), ("102", "FAILED")], again.Items.Select(item => (item.SenderItemId, item.TransactionStatus)));
        Assert.Equal([201, 400], Posts().Select(post => post.Status));
        Assert.Equal(1, fake.BatchCount);
    }

    [Fact]
    public async Task A_later_sync_sees_the_statuses_paypal_moved_on()
    {
        var created = await Create("remit-batch-13", Item("101", "pending@example.com"), Item("102", "ann@example.com"));
        var before = await Get(created.PayoutBatchId);
        Assert.Equal("PROCESSING", before.BatchStatus);
        Assert.Equal([("101", "PENDING"), ("102", "SUCCESS")], before.Items.Select(item => (item.SenderItemId, item.TransactionStatus)));
        Assert.Null(before.Items[0].TransactionId);

        fake.SetItemStatus(fake.PayoutItemIdOf("101"), "SUCCESS");
        fake.SetItemStatus(fake.PayoutItemIdOf("102"), "RETURNED");
        var after = await Get(created.PayoutBatchId);

        Assert.Equal("SUCCESS", after.BatchStatus);
        Assert.Equal([("101", "SUCCESS"), ("102", "RETURNED")], after.Items.Select(item => (item.SenderItemId, item.TransactionStatus)));
        Assert.False(string.IsNullOrEmpty(after.Items[0].TransactionId));
        Assert.Equal(before.Items[1].TransactionId, after.Items[1].TransactionId);
    }

    [Fact]
    public async Task Every_page_of_a_large_batch_is_read()
    {
        fake.PageSizeLimit = 2;
        var created = await Create("remit-batch-14", [.. Enumerable.Range(1, 5).Select(n => Item($"{n}", $"affiliate{n}@example.com"))]);

        var batch = await Get(created.PayoutBatchId);

        Assert.Equal(["1", "2", "3", "4", "5"], batch.Items.Select(item => item.SenderItemId));
        var pages = fake.Requests.Where(request => request.Method == "GET").Select(request => request.Query).ToList();
        Assert.Equal(3, pages.Count);
        Assert.All(pages.Select((query, index) => (query, index)), page => Assert.Contains($"page={page.index + 1}&", page.query, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_webhook_is_genuine_only_with_paypals_signature_and_goes_back_to_paypal_unchanged()
    {
        await Create("remit-batch-15", Item("101", "ann@example.com"));
        var body = fake.WebhookBody(fake.PayoutItemIdOf("101"), "PAYMENT.PAYOUTS-ITEM.SUCCEEDED");
        // ASP.NET hands headers over in whatever case the sender used.
        var lowerCase = fake.WebhookHeaders(fake.WebhookSignature).ToDictionary(header => header.Key.ToLowerInvariant(), header => header.Value);

        Assert.True(await client.VerifyWebhookAsync(fake.Credentials, fake.WebhookId, lowerCase, body, CancellationToken.None));
        Assert.False(await client.VerifyWebhookAsync(fake.Credentials, fake.WebhookId, fake.WebhookHeaders("forged"), body, CancellationToken.None));
        Assert.False(await client.VerifyWebhookAsync(fake.Credentials, "WRONGWEBHOOKID", fake.WebhookHeaders(fake.WebhookSignature), body, CancellationToken.None));

        var verifications = fake.Requests.Where(request => request.Path == "/v1/notifications/verify-webhook-signature").ToList();
        Assert.Equal(3, verifications.Count);
        var sent = verifications[1].Json!;
        Assert.Equal("forged", sent["transmission_sig"]!.GetValue<string>());
        Assert.Equal("SHA256withRSA", sent["auth_algo"]!.GetValue<string>());
        Assert.Equal(fake.WebhookId, sent["webhook_id"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(body), sent["webhook_event"]));
    }

    [Fact]
    public async Task A_delivery_without_paypals_headers_is_not_genuine_and_paypal_is_not_asked()
    {
        var headers = new Dictionary<string, string>(fake.WebhookHeaders(fake.WebhookSignature));
        headers.Remove("PAYPAL-TRANSMISSION-SIG");

        Assert.False(await client.VerifyWebhookAsync(fake.Credentials, fake.WebhookId, headers, """{"event_type":"PAYMENT.PAYOUTS-ITEM.SUCCEEDED"}""", CancellationToken.None));
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task Payout_item_webhooks_parse_into_the_items_status()
    {
        var created = await Create("remit-batch-16", Item("101", "ann@example.com"), Item("102", "fail@example.com"));
        var paid = fake.PayoutItemIdOf("101");

        var succeeded = PayPalClient.ParseWebhook(fake.WebhookBody(paid, "PAYMENT.PAYOUTS-ITEM.SUCCEEDED"));

        Assert.NotNull(succeeded);
        Assert.Equal("PAYMENT.PAYOUTS-ITEM.SUCCEEDED", succeeded.EventType);
        Assert.Equal(created.PayoutBatchId, succeeded.PayoutBatchId);
        Assert.Equal(paid, succeeded.PayoutItemId);
        Assert.Equal("101", succeeded.SenderItemId);
        Assert.Equal("SUCCESS", succeeded.TransactionStatus);
        Assert.False(string.IsNullOrEmpty(succeeded.TransactionId));

        fake.SetItemStatus(paid, "RETURNED");
        var returned = PayPalClient.ParseWebhook(fake.WebhookBody(paid, "PAYMENT.PAYOUTS-ITEM.RETURNED"));

        Assert.NotNull(returned);
        Assert.Equal(("PAYMENT.PAYOUTS-ITEM.RETURNED", "RETURNED", succeeded.TransactionId), (returned.EventType, returned.TransactionStatus, returned.TransactionId));

        var failed = PayPalClient.ParseWebhook(fake.WebhookBody(fake.PayoutItemIdOf("102"), "PAYMENT.PAYOUTS-ITEM.FAILED"));

        Assert.NotNull(failed);
        Assert.Equal(("102", "FAILED", "RECEIVER_UNREGISTERED"), (failed.SenderItemId, failed.TransactionStatus, failed.ErrorName));
    }

    [Theory]
    [InlineData("""{"id":"WH-2WR32451HC0233532-67976317FL4543714","event_type":"PAYMENT.CAPTURE.COMPLETED","resource_type":"capture","resource":{"id":"42311647XV020574X","status":"COMPLETED","amount":{"currency_code":"USD","value":"10.00"}}}""")]
    [InlineData("""{"id":"WH-7Y7254563A4550640-11V2185806837105M","event_type":"PAYMENT.PAYOUTSBATCH.SUCCESS","resource_type":"payouts","resource":{"batch_header":{"payout_batch_id":"5UXD2E8A7EBQJ","batch_status":"SUCCESS"}}}""")]
    public void Other_webhooks_are_not_payout_item_events(string body) =>
        Assert.Null(PayPalClient.ParseWebhook(body));

    [Fact]
    public void A_payout_item_webhook_without_its_sender_item_id_is_malformed() =>
        Assert.Throws<FormatException>(() => PayPalClient.ParseWebhook(
            """{"event_type":"PAYMENT.PAYOUTS-ITEM.FAILED","resource":{"payout_batch_id":"5UXD2E8A7EBQJ","payout_item_id":"8AELMXH8UB2P8","transaction_status":"FAILED","payout_item":{}}}"""));
}
