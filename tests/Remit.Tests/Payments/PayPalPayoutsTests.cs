using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Remit.Tests.Infrastructure;
using Remit.Tests.Payments.PayPal;

namespace Remit.Tests.Payments;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Send, sync and webhook through Remit's HTTP API, with the real PayPal client talking to the fake PayPal server
/// (configured as the sandbox base URL, as an operator would configure PayPal's).
/// </summary>
public sealed class PayPalPayoutsTests : IAsyncLifetime
{
    private FakePayPal _paypal = null!;
    private TestApp _app = null!;
    private Tenant _t = null!;

    public async Task InitializeAsync()
    {
        _paypal = await FakePayPal.StartAsync();
        _app = await TestApp.StartAsync(a => a.Settings["Remit:PayPal:SandboxBaseUrl"] = _paypal.BaseUrl.ToString());
        _t = await _app.NewProgramAsync("basic");
        await Api.ExpectAsync(await _t.Http.PutAsJsonAsync("/v1/settings/paypal", new
        {
            client_id = _paypal.ClientId, client_secret = _paypal.ClientSecret, environment = "sandbox", webhook_id = _paypal.WebhookId,
        }), 200);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _paypal.DisposeAsync();
    }

    private async Task<long> PayoutToAsync(string email, decimal amount = 12.5m)
    {
        var affiliate = await _t.AffiliateAsync(email: email);
        await _t.CommissionAsync(affiliate, amount);
        return await _t.PayoutAsync(affiliate);
    }

    private async Task<string> StatusOf(long payout) => (await _t.GetAsync($"/v1/payouts/{payout}"))["data"]!["status"]!.GetValue<string>();

    private IReadOnlyList<FakePayPalRequest> Creates => _paypal.Requests.Where(r => r.Method == "POST" && r.Path == "/v1/payments/payouts").ToList();

    [Fact]
    public async Task Send_then_sync_completes_successes_fails_failures_and_leaves_unclaimed_processing()
    {
        var ok = await PayoutToAsync($"ada.{Guid.NewGuid():N}@example.com", 12.5m);
        var failing = await PayoutToAsync($"fail.{Guid.NewGuid():N}@example.com", 30m);
        var unclaimed = await PayoutToAsync($"unclaimed.{Guid.NewGuid():N}@example.com", 7m);
        var batch = (await _t.BatchAsync("paypal", [ok, failing, unclaimed])).Id();

        var sent = (await _t.PostAsync($"/v1/payout-batches/{batch}/send"))["data"]!;
        Assert.Equal("sent", sent["status"]!.GetValue<string>());
        var providerId = sent["provider_batch_id"]!.GetValue<string>();
        var create = Assert.Single(Creates);
        Assert.Equal($"remit-{_t.ProgramId}-{batch}", create.SenderBatchId);
        var items = create.Json!["items"]!.AsArray();
        Assert.Equal([ok.ToString(), failing.ToString(), unclaimed.ToString()], items.Select(i => i!["sender_item_id"]!.GetValue<string>()));
        Assert.Equal("12.50", items[0]!["amount"]!["value"]!.GetValue<string>());
        Assert.Equal("USD", items[0]!["amount"]!["currency"]!.GetValue<string>());
        Assert.Equal("processing", await StatusOf(ok));

        var synced = (await _t.PostAsync($"/v1/payout-batches/{batch}/sync"))["data"]!;
        Assert.Equal("sent", synced["status"]!.GetValue<string>());
        var done = (await _t.GetAsync($"/v1/payouts/{ok}"))["data"]!;
        Assert.Equal("completed", done["status"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(done["reference"]!.GetValue<string>()));
        Assert.Equal("paypal", done["status_history"]!.AsArray().Last()!["actor"]!.GetValue<string>());
        var failed = (await _t.GetAsync($"/v1/payouts/{failing}"))["data"]!;
        Assert.Equal("failed", failed["status"]!.GetValue<string>());
        Assert.Contains("RECEIVER_UNREGISTERED", failed["failure_reason"]!.GetValue<string>());
        Assert.Equal("processing", await StatusOf(unclaimed));

        // The affiliate claims the money later: the next sync completes it, and the batch is done.
        _paypal.SetItemStatus(_paypal.PayoutItemIdOf(unclaimed.ToString()), "SUCCESS");
        var last = (await _t.PostAsync($"/v1/payout-batches/{batch}/sync"))["data"]!;
        Assert.Equal("completed", await StatusOf(unclaimed));
        Assert.Equal("partially_failed", last["status"]!.GetValue<string>());
        Assert.Equal(providerId, last["provider_batch_id"]!.GetValue<string>());

        await using var db = _app.Db(_t.ProgramId);
        Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.ToStatus == "completed" && e.ActorName == "paypal"));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Action == "batch.sent" && e.ActorType == "token"));
    }

    [Fact]
    public async Task Sending_again_never_sends_twice()
    {
        var batch = (await _t.BatchAsync("paypal", [await PayoutToAsync("grace@example.com")])).Id();
        var first = (await _t.PostAsync($"/v1/payout-batches/{batch}/send"))["data"]!;
        var second = (await _t.PostAsync($"/v1/payout-batches/{batch}/send"))["data"]!;
        Assert.Equal(first["provider_batch_id"]!.GetValue<string>(), second["provider_batch_id"]!.GetValue<string>());
        Assert.Single(Creates);
        Assert.Equal(1, _paypal.BatchCount);
        await Api.ErrorAsync(await _t.Http.PostAsync($"/v1/payout-batches/{batch}/complete", null), 409, "INVALID_STATUS");
    }

    [Fact]
    public async Task A_5xx_is_retried_with_the_same_sender_batch_id_and_pays_once()
    {
        var payout = await PayoutToAsync("linus@example.com");
        var batch = (await _t.BatchAsync("paypal", [payout])).Id();
        _paypal.FailNext(2, 503, "/v1/payments/payouts");
        var response = await WhileTimePassesAsync(_t.Http.PostAsync($"/v1/payout-batches/{batch}/send", null));
        await Api.ExpectAsync(response, 200);
        Assert.Equal(3, Creates.Count);
        Assert.Single(Creates.Select(r => r.SenderBatchId).Distinct());
        Assert.Equal(1, _paypal.BatchCount);

        await _t.PostAsync($"/v1/payout-batches/{batch}/sync");
        Assert.Equal("completed", await StatusOf(payout));
    }

    [Fact]
    public async Task When_paypal_stays_down_the_send_is_502_nothing_is_recorded_and_a_later_send_pays_once()
    {
        var payout = await PayoutToAsync("barbara@example.com");
        var batch = (await _t.BatchAsync("paypal", [payout])).Id();
        // The response is lost after PayPal made the batch, and every retry fails too: the outcome is unknown.
        _paypal.FailNextAfterCreating(1, 500);
        _paypal.FailNext(10, 503, "/v1/payments/payouts");
        var down = await WhileTimePassesAsync(_t.Http.PostAsync($"/v1/payout-batches/{batch}/send", null));
        await Api.ErrorAsync(down, 502, "PAYMENT_PROVIDER_ERROR");
        var open = (await _t.GetAsync($"/v1/payout-batches/{batch}"))["data"]!;
        Assert.Equal("open", open["status"]!.GetValue<string>());
        Assert.Null(open["provider_batch_id"]);

        _paypal.FailNext(0, 503);
        var sent = (await Api.ExpectAsync(await WhileTimePassesAsync(_t.Http.PostAsync($"/v1/payout-batches/{batch}/send", null)), 200))["data"]!;
        Assert.Equal("sent", sent["status"]!.GetValue<string>());
        Assert.Equal(1, _paypal.BatchCount);
        Assert.Single(Creates.Select(r => r.SenderBatchId).Distinct());
    }

    [Fact]
    public async Task A_verified_webhook_moves_the_payout_once_and_an_unverified_one_is_401()
    {
        var payout = await PayoutToAsync("pending.hedy@example.com", 40m);
        var batch = (await _t.BatchAsync("paypal", [payout])).Id();
        await _t.PostAsync($"/v1/payout-batches/{batch}/send");
        await _t.PostAsync($"/v1/payout-batches/{batch}/sync");
        Assert.Equal("processing", await StatusOf(payout));

        var item = _paypal.PayoutItemIdOf(payout.ToString());
        _paypal.SetItemStatus(item, "SUCCESS");
        var body = _paypal.WebhookBody(item, "PAYMENT.PAYOUTS-ITEM.SUCCEEDED");

        var forged = await PostWebhookAsync(body, "forged-signature");
        await Api.ErrorAsync(forged, 401, "UNAUTHORIZED");
        Assert.Equal("processing", await StatusOf(payout));

        for (var i = 0; i < 2; i++)
        {
            var ack = (await Api.ExpectAsync(await PostWebhookAsync(body, _paypal.WebhookSignature), 200))["data"]!;
            Assert.Equal(payout, ack["payout_id"]!.GetValue<long>());
        }
        Assert.Equal("completed", await StatusOf(payout));
        Assert.Equal("completed", (await _t.GetAsync($"/v1/payout-batches/{batch}"))["data"]!["status"]!.GetValue<string>());
        await using (var db = _app.Db(_t.ProgramId))
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EntityId == payout && e.ToStatus == "completed"));

        // The money comes back after SUCCESS: the payout stays completed, is marked returned, and is owed again.
        _paypal.SetItemStatus(item, "RETURNED", "RECEIVER_REFUSED", "The receiver refused the payment.");
        await Api.ExpectAsync(await PostWebhookAsync(_paypal.WebhookBody(item, "PAYMENT.PAYOUTS-ITEM.RETURNED"), _paypal.WebhookSignature), 200);
        var returned = (await _t.GetAsync($"/v1/payouts/{payout}"))["data"]!;
        Assert.Equal("completed", returned["status"]!.GetValue<string>());
        Assert.Equal("RETURNED", returned["return_code"]!.GetValue<string>());
        Assert.Contains("RECEIVER_REFUSED", returned["return_reason"]!.GetValue<string>());
        Assert.Equal("40.00", Api.Raw((await _t.GetAsync($"/v1/affiliates/{returned["affiliate_id"]}"))["data"]!["balance"]));
        await Api.ExpectAsync(await PostWebhookAsync(_paypal.WebhookBody(item, "PAYMENT.PAYOUTS-ITEM.RETURNED"), _paypal.WebhookSignature), 200);
        await using (var db = _app.Db(_t.ProgramId))
            Assert.Equal(1, await db.Commissions.CountAsync(c => c.Kind == "adjustment"));
    }

    [Fact]
    public async Task A_processing_payout_that_paypal_reverses_fails_with_paypals_reason()
    {
        var payout = await PayoutToAsync("onhold.ida@example.com");
        var batch = (await _t.BatchAsync("paypal", [payout])).Id();
        await _t.PostAsync($"/v1/payout-batches/{batch}/send");
        _paypal.SetItemStatus(_paypal.PayoutItemIdOf(payout.ToString()), "BLOCKED", "RISK_DECLINE", "Blocked by risk review.");
        var synced = (await _t.PostAsync($"/v1/payout-batches/{batch}/sync"))["data"]!;
        var data = (await _t.GetAsync($"/v1/payouts/{payout}"))["data"]!;
        Assert.Equal("failed", data["status"]!.GetValue<string>());
        Assert.Equal("PayPal BLOCKED: RISK_DECLINE — Blocked by risk review.", data["failure_reason"]!.GetValue<string>());
        Assert.Equal("failed", synced["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Send_is_refused_for_nano_for_other_methods_and_without_credentials()
    {
        var nano = await _app.NewProgramAsync("nano", name: "Nano shop");
        var nanoBatch = (await nano.BatchAsync("paypal", [await nano.MethodPayoutAsync(null)])).Id();
        var error = await Api.ErrorAsync(await nano.Http.PostAsync($"/v1/payout-batches/{nanoBatch}/send", null), 422, "VALIDATION_ERROR");
        Assert.Contains("nano", error["message"]!.GetValue<string>());

        var bankBatch = (await _t.BatchAsync("bank", [await _t.MethodPayoutAsync(PaymentsSetup.Bank())])).Id();
        await Api.ErrorAsync(await _t.Http.PostAsync($"/v1/payout-batches/{bankBatch}/send", null), 422, "VALIDATION_ERROR");

        var bare = await _app.NewProgramAsync("basic", name: "No credentials");
        var bareBatch = (await bare.BatchAsync("paypal", [await bare.MethodPayoutAsync(null)])).Id();
        await Api.ErrorAsync(await bare.Http.PostAsync($"/v1/payout-batches/{bareBatch}/send", null), 422, "VALIDATION_ERROR");
        var unsent = (await _t.BatchAsync("paypal", [await PayoutToAsync("x@example.com")])).Id();
        await Api.ErrorAsync(await _t.Http.PostAsync($"/v1/payout-batches/{unsent}/sync", null), 409, "INVALID_STATUS");
        Assert.Empty(Creates);
    }

    [Fact]
    public async Task An_unknown_paypal_batch_id_answers_like_any_unverified_delivery_without_asking_paypal()
    {
        var payout = await PayoutToAsync("grace@example.com");
        var batch = (await _t.BatchAsync("paypal", [payout])).Id();
        await _t.PostAsync($"/v1/payout-batches/{batch}/send");
        var item = _paypal.PayoutItemIdOf(payout.ToString());
        var known = _paypal.WebhookBody(item, "PAYMENT.PAYOUTS-ITEM.SUCCEEDED");
        var providerId = (await _t.GetAsync($"/v1/payout-batches/{batch}"))["data"]!["provider_batch_id"]!.GetValue<string>();
        var unknown = known.Replace(providerId, "NOSUCHBATCH1", StringComparison.Ordinal).Replace($"remit-{_t.ProgramId}-{batch}", "remit-999-999", StringComparison.Ordinal);
        var verifications = Verifications();

        var forUnknown = await PostWebhookAsync(unknown, "forged-signature");
        var forKnown = await PostWebhookAsync(known, "forged-signature");

        Assert.Equal(HttpStatusCode.Unauthorized, forUnknown.StatusCode);
        Assert.Equal(await forKnown.Content.ReadAsStringAsync(), await forUnknown.Content.ReadAsStringAsync());
        // Only the known batch's delivery was worth asking PayPal about.
        Assert.Equal(verifications + 1, Verifications());
        Assert.Equal("processing", await StatusOf(payout));
    }

    [Fact]
    public async Task While_paypal_answers_5xx_a_webhook_is_answered_after_one_call_without_paypals_words()
    {
        var payout = await PayoutToAsync("pending.alan@example.com");
        var batch = (await _t.BatchAsync("paypal", [payout])).Id();
        await _t.PostAsync($"/v1/payout-batches/{batch}/send");
        var item = _paypal.PayoutItemIdOf(payout.ToString());
        _paypal.SetItemStatus(item, "SUCCESS");
        var verifications = Verifications();
        _paypal.FailNext(10, 503, "/v1/notifications/");

        var response = await WhileTimePassesAsync(PostWebhookAsync(_paypal.WebhookBody(item, "PAYMENT.PAYOUTS-ITEM.SUCCEEDED"), _paypal.WebhookSignature));

        var error = await Api.ErrorAsync(response, 502, "PAYMENT_PROVIDER_ERROR");
        Assert.Equal(verifications + 1, Verifications());
        Assert.DoesNotContain("internal service error", error.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SERVICE_UNAVAILABLE", error.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("503", error.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("processing", await StatusOf(payout));
    }

    [Fact]
    public async Task A_delivery_handled_once_is_answered_again_without_asking_paypal()
    {
        var payout = await PayoutToAsync("pending.ada@example.com");
        var batch = (await _t.BatchAsync("paypal", [payout])).Id();
        await _t.PostAsync($"/v1/payout-batches/{batch}/send");
        var item = _paypal.PayoutItemIdOf(payout.ToString());
        _paypal.SetItemStatus(item, "SUCCESS");
        var body = _paypal.WebhookBody(item, "PAYMENT.PAYOUTS-ITEM.SUCCEEDED");
        var headers = _paypal.WebhookHeaders(_paypal.WebhookSignature);

        await Api.ExpectAsync(await PostWebhookAsync(body, headers), 200);
        var verifications = Verifications();
        var again = (await Api.ExpectAsync(await PostWebhookAsync(body, headers), 200))["data"]!;

        Assert.Equal(payout, again["payout_id"]!.GetValue<long>());
        Assert.Equal(verifications, Verifications());
        Assert.Equal("completed", await StatusOf(payout));
        await using var db = _app.Db(_t.ProgramId);
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EntityId == payout && e.ToStatus == "completed"));
    }

    [Fact]
    public async Task A_duplicate_refusal_without_a_link_records_the_batch_sent_and_the_first_webhook_reconciles_it()
    {
        var first = await PayoutToAsync("ann@example.com", 10m);
        var second = await PayoutToAsync("pending.bob@example.com", 20m);
        var batch = (await _t.BatchAsync("paypal", [first, second])).Id();
        await PayPalHasItButWeForgotAsync(batch);

        var sent = (await _t.PostAsync($"/v1/payout-batches/{batch}/send"))["data"]!;
        Assert.Equal("sent", sent["status"]!.GetValue<string>());
        Assert.Null(sent["provider_batch_id"]);
        Assert.Equal(1, _paypal.BatchCount);
        var unknown = await Api.ErrorAsync(await _t.Http.PostAsync($"/v1/payout-batches/{batch}/sync", null), 409, "INVALID_STATUS");
        Assert.Contains("provider_batch_id", unknown["message"]!.GetValue<string>());
        // Sending again answers the batch as it is and sends nothing.
        Assert.Equal("sent", (await _t.PostAsync($"/v1/payout-batches/{batch}/send"))["data"]!["status"]!.GetValue<string>());
        Assert.Equal(2, Creates.Count);

        // The first verified webhook of one of its items names PayPal's batch (found by our sender_batch_id).
        var item = _paypal.PayoutItemIdOf(first.ToString());
        await Api.ExpectAsync(await PostWebhookAsync(_paypal.WebhookBody(item, "PAYMENT.PAYOUTS-ITEM.SUCCEEDED"), _paypal.WebhookSignature), 200);
        Assert.Equal("completed", await StatusOf(first));
        var providerId = _paypal.PayoutBatchIdOf($"remit-{_t.ProgramId}-{batch}");
        Assert.Equal(providerId, (await _t.GetAsync($"/v1/payout-batches/{batch}"))["data"]!["provider_batch_id"]!.GetValue<string>());

        // From then on sync matches every item by sender_item_id.
        _paypal.SetItemStatus(_paypal.PayoutItemIdOf(second.ToString()), "SUCCESS");
        var synced = (await _t.PostAsync($"/v1/payout-batches/{batch}/sync"))["data"]!;
        Assert.Equal("completed", synced["status"]!.GetValue<string>());
        Assert.Equal("completed", await StatusOf(second));
        Assert.Equal(1, _paypal.BatchCount);
    }

    [Fact]
    public async Task A_batch_paypal_took_without_naming_it_syncs_once_the_merchant_names_paypals_batch()
    {
        var payout = await PayoutToAsync("ada.l@example.com");
        var other = (await _t.BatchAsync("paypal", [await PayoutToAsync("someone.else@example.com")])).Id();
        await _t.PostAsync($"/v1/payout-batches/{other}/send");
        var batch = (await _t.BatchAsync("paypal", [payout])).Id();
        await PayPalHasItButWeForgotAsync(batch);
        await _t.PostAsync($"/v1/payout-batches/{batch}/send");

        // Another batch's PayPal id is refused: it was not sent with this batch's sender_batch_id.
        var otherId = (await _t.GetAsync($"/v1/payout-batches/{other}"))["data"]!["provider_batch_id"]!.GetValue<string>();
        await Api.ErrorAsync(await _t.Http.PostAsJsonAsync($"/v1/payout-batches/{batch}/sync", new { provider_batch_id = otherId }), 422, "VALIDATION_ERROR");
        var providerId = _paypal.PayoutBatchIdOf($"remit-{_t.ProgramId}-{batch}");
        var synced = (await _t.PostAsync($"/v1/payout-batches/{batch}/sync", new { provider_batch_id = providerId }))["data"]!;

        Assert.Equal(providerId, synced["provider_batch_id"]!.GetValue<string>());
        Assert.Equal("completed", synced["status"]!.GetValue<string>());
        Assert.Equal("completed", await StatusOf(payout));
    }

    /// <summary>
    /// PayPal accepted the batch but Remit never recorded it (the process stopped between PayPal's answer and the
    /// database); later PayPal has forgotten the request id and refuses the sender_batch_id without naming its batch.
    /// </summary>
    private async Task PayPalHasItButWeForgotAsync(long batch)
    {
        await _t.PostAsync($"/v1/payout-batches/{batch}/send");
        await using (var db = _app.Db(_t.ProgramId))
            await db.PayoutBatches.Where(b => b.Id == batch).ExecuteUpdateAsync(s => s
                .SetProperty(b => b.SentAt, (DateTime?)null).SetProperty(b => b.ProviderBatchId, (string?)null)
                .SetProperty(b => b.SendStartedAt, (DateTime?)null).SetProperty(b => b.Status, "open"));
        _paypal.ForgetRequestIds();
        _paypal.DuplicateWithoutLink = true;
    }

    private int Verifications() => _paypal.Requests.Count(r => r.Path == "/v1/notifications/verify-webhook-signature");

    private Task<HttpResponseMessage> PostWebhookAsync(string body, string signature) => PostWebhookAsync(body, _paypal.WebhookHeaders(signature));

    private async Task<HttpResponseMessage> PostWebhookAsync(string body, IReadOnlyDictionary<string, string> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/paypal") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return await _app.ClientWith(null).SendAsync(request);
    }

    /// <summary>The client waits between retries on Remit's clock, which the test drives: time passes until the answer.</summary>
    private async Task<HttpResponseMessage> WhileTimePassesAsync(Task<HttpResponseMessage> request)
    {
        while (!request.IsCompleted)
        {
            _app.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(request, Task.Delay(20));
        }
        return await request;
    }
}
