using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Remit.Audit;
using Remit.Payouts;
using Remit.Security;
using Remit.Tests.Infrastructure;
using Remit.Tests.Payments;
using Remit.Tests.Payments.PayPal;
using Remit.Tests.Tax;
using Remit.Webhooks;

namespace Remit.Tests.Webhooks;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Webhooks to the merchant, end to end: Remit's own deliverer (the hosted loop, on the test's fake clock) posting to a
/// real HTTP listener, which checks every signature with its own implementation of the specification. The tests that
/// only register endpoints share one host (a program each); those that deliver, move the clock, change settings or
/// read the log keep a host of their own.
/// </summary>
public sealed class WebhookTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private const string AllowPrivate = "Remit:Webhooks:AllowPrivateNetworks";

    private static async Task<(long Id, string Secret)> RegisterAsync(Tenant t, string url, params string[] events)
    {
        var created = await Api.ExpectAsync(await t.Http.PostAsJsonAsync("/v1/webhook-endpoints",
            new { url, events = events.Length == 0 ? WebhookEventTypes.All : events, description = "books" }), 201);
        var secret = created["data"]!["secret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", secret);
        TestLog.RecordSecret("webhook secret", secret);
        return (created["data"]!["id"]!.GetValue<long>(), secret);
    }

    /// <summary>
    /// Moves the app's clock and wakes the delivery loop, as a commit does. The loop sleeps on that clock: moved while the
    /// loop was between its last round and its sleep, the clock would leave it asleep until moved again — a real clock
    /// always moves on, a test's does not (seen under load: a retry never attempted within the test's minute).
    /// </summary>
    private static void Advance(TestApp app, TimeSpan by)
    {
        app.Clock.Advance(by);
        app.Services.GetRequiredService<WebhookSignal>().Notify();
    }

    private static async Task<JsonArray> AttemptsAsync(Tenant t, long endpoint, int atLeast, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var attempts = (await t.GetAsync($"/v1/webhook-endpoints/{endpoint}/deliveries?per_page=100"))["data"]!.AsArray();
            if (attempts.Count >= atLeast) return attempts;
            Assert.True(DateTime.UtcNow < deadline, $"Expected {atLeast} delivery attempts, got {attempts.Count}.");
            // Four looks a second: a slow delivery on a loaded machine must not spend the token's 600 requests a minute.
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task Every_event_reaches_a_real_receiver_signed_and_in_order_per_payout()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var paypal = await FakePayPal.StartAsync();
        await using var app = await TestApp.StartAsync(a =>
        {
            a.Settings[AllowPrivate] = "true";
            a.Settings["Remit:PayPal:SandboxBaseUrl"] = paypal.BaseUrl.ToString();
        });
        var t = await app.NewProgramAsync("basic");
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/paypal", new
        {
            client_id = paypal.ClientId, client_secret = paypal.ClientSecret, environment = "sandbox", webhook_id = paypal.WebhookId,
        }), 200);
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { allow_early_requests = true, min_payout = 1 }), 200);
        var (_, secret) = await RegisterAsync(t, receiver.Url);

        // A manual payout, processed and completed one step at a time.
        var (_, p1) = await t.PendingPayoutAsync(100m);
        await t.PostAsync($"/v1/payouts/{p1}/processing");
        await t.PostAsync($"/v1/payouts/{p1}/complete", new { reference = "TXN-1" });
        // A request approved (its payout then fails) and one rejected.
        var a2 = await t.AffiliateAsync();
        await t.CommissionAsync(a2, 50m);
        var r1 = (await t.PostAsync("/v1/payouts/requests", new { affiliate_id = a2 }, 201)).Id();
        var p2 = (await t.PostAsync($"/v1/payouts/requests/{r1}/approve"))["data"]!["payout_id"]!.GetValue<long>();
        await t.PostAsync($"/v1/payouts/{p2}/fail", new { reason = "closed account" });
        var a3 = await t.AffiliateAsync();
        await t.CommissionAsync(a3, 20m);
        var r2 = (await t.PostAsync("/v1/payouts/requests", new { affiliate_id = a3 }, 201)).Id();
        await t.PostAsync($"/v1/payouts/requests/{r2}/reject", new { reason = "no" });
        // Bank details given, paid, then returned by the bank.
        var p4 = await t.MethodPayoutAsync(PaymentsSetup.Bank(), 30m);
        await t.PostAsync($"/v1/payouts/{p4}/complete", new { reference = "ACH-1" });
        await t.PostAsync($"/v1/payouts/{p4}/return", new { code = "R01" });
        // A batch paid from its file (set-based moves), and one sent through PayPal's API.
        var (_, p5) = await t.PendingPayoutAsync(10m);
        var (_, p6) = await t.PendingPayoutAsync(11m);
        var batch = (await t.BatchAsync("paypal", [p5, p6])).Id();
        await t.PostAsync($"/v1/payout-batches/{batch}/complete", new { reference = "PP-1" });
        var a7 = await t.AffiliateAsync(email: $"ada.{Guid.NewGuid():N}@example.com");
        await t.CommissionAsync(a7, 12.5m);
        var p7 = await t.PayoutAsync(a7);
        var sent = (await t.BatchAsync("paypal", [p7])).Id();
        await t.PostAsync($"/v1/payout-batches/{sent}/send");

        string[] expected = [.. WebhookEventTypes.All.Where(e => !e.StartsWith("tax_form.", StringComparison.Ordinal))];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!expected.All(e => receiver.Received.Any(r => r.Type == e)))
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"Missing {string.Join(", ", expected.Where(e => receiver.Received.All(r => r.Type != e)))}; got {string.Join(", ", receiver.Received.Select(r => r.Type))}");
            await Task.Delay(50);
        }
        await receiver.WaitForAsync(1, r => r.Type == WebhookEventTypes.PayoutCompleted && r.Json["data"]!["id"]!.GetValue<long>() == p6);
        var received = receiver.Received.ToList();

        Assert.All(received, r => Assert.True(IndependentVerifier.Verifies(secret, r), $"{r.Type} {r.Id} does not verify"));
        Assert.All(received, r => Assert.False(IndependentVerifier.Verifies("whsec_" + Convert.ToBase64String(new byte[24]), r)));
        Assert.All(received, r => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", r.Json["timestamp"]!.GetValue<string>()));

        List<string> EventsOf(string prefix, long id) => [.. received
            .Where(r => r.Type.StartsWith(prefix, StringComparison.Ordinal) && r.Json["data"]!["id"]!.GetValue<long>() == id)
            .Select(r => r.Type).Distinct()];
        Assert.Equal(["payout.created", "payout.processing", "payout.completed"], EventsOf("payout.", p1));
        Assert.Equal(["payout.created", "payout.failed"], EventsOf("payout.", p2));
        Assert.Equal(["payout.created", "payout.completed", "payout.returned"], EventsOf("payout.", p4));
        Assert.Equal(["payout.created", "payout.processing", "payout.completed"], EventsOf("payout.", p5));
        Assert.Equal(["payout.created", "payout.processing", "payout.completed"], EventsOf("payout.", p6));
        Assert.Equal(["payout_request.created", "payout_request.approved"], EventsOf("payout_request.", r1));
        Assert.Equal(["payout_batch.created", "payout_batch.completed"], EventsOf("payout_batch.", batch));
        Assert.Contains("payout_batch.sent", EventsOf("payout_batch.", sent));

        // The data is the object as its GET shows it, at the time of the event.
        var completed = received.First(r => r.Type == "payout.completed" && r.Json["data"]!["id"]!.GetValue<long>() == p1).Json["data"]!;
        Assert.Equal("completed", completed["status"]!.GetValue<string>());
        Assert.Equal("100.00", Api.Raw(completed["amount"]));
        Assert.Equal("TXN-1", completed["reference"]!.GetValue<string>());
        Assert.Equal("completed", completed["status_history"]!.AsArray().Last()!["to"]!.GetValue<string>());
        var created = received.First(r => r.Type == "payout.created" && r.Json["data"]!["id"]!.GetValue<long>() == p1).Json["data"]!;
        Assert.Equal("pending", created["status"]!.GetValue<string>());
        var returned = received.First(r => r.Type == "payout.returned").Json["data"]!;
        Assert.Equal("R01", returned["return_code"]!.GetValue<string>());
        var batchDone = received.First(r => r.Type == "payout_batch.completed").Json["data"]!;
        Assert.Equal("completed", batchDone["status"]!.GetValue<string>());
        Assert.Equal([p5, p6], batchDone["payout_ids"]!.AsArray().Select(n => n!.GetValue<long>()));
        var details = received.First(r => r.Type == "affiliate.payout_details_changed").Json["data"]!;
        Assert.Equal("bank", details["payout_method"]!.GetValue<string>());
        Assert.DoesNotContain("123456789", received.First(r => r.Type == "affiliate.payout_details_changed").Body);
    }

    [Fact]
    public async Task A_500_is_retried_on_the_schedule_logged_replayable_and_a_rotation_signs_with_both_secrets_for_a_day()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(a => a.Settings[AllowPrivate] = "true");
        var t = await app.NewProgramAsync();
        var (endpoint, secret) = await RegisterAsync(t, receiver.Url, WebhookEventTypes.PayoutCreated);
        receiver.Answers.Enqueue(500);

        var (_, payout) = await t.PendingPayoutAsync(40m);
        var first = (await receiver.WaitForAsync(1))[0];
        var log = await AttemptsAsync(t, endpoint, 1);
        Assert.Equal(500, log[0]!["status_code"]!.GetValue<int>());
        Assert.Equal(1, log[0]!["attempt"]!.GetValue<int>());
        Assert.Equal(first.Id, log[0]!["event_id"]!.GetValue<string>());

        // Not before its time: the second attempt is 5 s after the first.
        Advance(app, TimeSpan.FromSeconds(4));
        await Task.Delay(300);
        Assert.Single(receiver.Received);
        Advance(app, TimeSpan.FromSeconds(1));
        var both = await receiver.WaitForAsync(2);
        Assert.Equal(first.Id, both[1].Id);
        Assert.Equal(first.Body, both[1].Body);
        Assert.Equal(payout, both[1].Json["data"]!["id"]!.GetValue<long>());
        log = await AttemptsAsync(t, endpoint, 2);
        Assert.Equal(200, log[0]!["status_code"]!.GetValue<int>());
        Assert.Equal(2, log[0]!["attempt"]!.GetValue<int>());
        // Delivered: nothing more goes out, however long we wait.
        app.Clock.Advance(TimeSpan.FromHours(30));
        Assert.Equal(0, await app.Services.GetRequiredService<WebhookDeliverer>().RunOnceAsync(default));
        Assert.Equal(2, receiver.Received.Count);

        // Replay the failed attempt: the same message again.
        var replay = await t.PostAsync($"/v1/webhook-deliveries/{log[1]!["id"]!.GetValue<long>()}/replay", status: 202);
        Assert.Equal(first.Id, replay["data"]!["event_id"]!.GetValue<string>());
        Assert.Equal(first.Body, (await receiver.WaitForAsync(3))[2].Body);

        // Rotation: for 24 hours both secrets sign, then only the new one.
        var rotated = await t.PostAsync($"/v1/webhook-endpoints/{endpoint}/rotate-secret");
        var newSecret = rotated["data"]!["secret"]!.GetValue<string>();
        TestLog.RecordSecret("webhook secret", newSecret);
        Assert.NotEqual(secret, newSecret);
        await t.PendingPayoutAsync(41m);
        var during = (await receiver.WaitForAsync(4))[3];
        Assert.Equal(2, during.Signature.Split(' ').Length);
        Assert.True(IndependentVerifier.Verifies(secret, during));
        Assert.True(IndependentVerifier.Verifies(newSecret, during));
        app.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        await t.PendingPayoutAsync(42m);
        var after = (await receiver.WaitForAsync(5))[4];
        Assert.Single(after.Signature.Split(' '));
        Assert.True(IndependentVerifier.Verifies(newSecret, after));
        Assert.False(IndependentVerifier.Verifies(secret, after));
        // Secrets are never listed again, nor stored in plain text.
        Assert.DoesNotContain("whsec_", (await t.Http.GetStringAsync("/v1/webhook-endpoints")));
        await using var db = app.Db(t.ProgramId);
        var stored = db.WebhookEndpoints.Single();
        Assert.DoesNotContain(newSecret, stored.Secret);
        Assert.StartsWith(SecretBox.Prefix, stored.Secret);
    }

    [Fact]
    public async Task An_event_committed_before_a_crash_is_delivered_by_the_next_process()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var database = await TestDatabase.CreateAsync();
        long program, affiliate;
        string secret;
        var first = new TestApp { Database = database, OwnsDatabase = false };
        first.Settings[AllowPrivate] = "true";
        await using (first)
        {
            var t = await first.NewProgramAsync();
            (_, secret) = await RegisterAsync(t, receiver.Url, WebhookEventTypes.PayoutCreated);
            affiliate = await t.AffiliateAsync();
            await t.CommissionAsync(affiliate, 60m);
            program = t.ProgramId;
            // The change commits with its outbox row, and the process stops before its deliverer runs again.
            await using var db = first.Db(program);
            var outcome = await PayoutActions.CreateManualAsync(db, affiliate, Actor.System, first.Clock, default);
            Assert.Null(outcome.Error);
            await Task.Delay(300);
            Assert.Empty(receiver.Received);
        }

        await using var second = new TestApp { Database = database };
        second.Settings[AllowPrivate] = "true";
        _ = second.Services; // starts the host, and with it the deliverer
        var got = (await receiver.WaitForAsync(1)).Single();
        Assert.Equal("payout.created", got.Type);
        Assert.Equal(affiliate, got.Json["data"]!["affiliate_id"]!.GetValue<long>());
        Assert.True(IndependentVerifier.Verifies(secret, got));
    }

    [Fact]
    public async Task Tax_form_events_reach_the_receiver_with_the_form_and_no_TIN()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(a => a.Settings[AllowPrivate] = "true");
        var t = await app.NewProgramAsync("standard");
        var (_, secret) = await RegisterAsync(t, receiver.Url, WebhookEventTypes.TaxFormSubmitted, WebhookEventTypes.TaxFormExpiring);
        var ada = await t.AffiliateAsync("Ada Lovelace");
        var w9 = (await t.RecordFormAsync(ada, TaxSetup.Paper("w9", TaxSetup.W9Fields(), "Ada Lovelace")))["data"]!["id"]!.GetValue<long>();
        var hanna = await t.AffiliateAsync("Hanna Schmidt");
        var w8 = (await t.RecordFormAsync(hanna, TaxSetup.Paper("w8ben", TaxSetup.W8BenFields(), "Hanna Schmidt")))["data"]!["id"]!.GetValue<long>();
        await receiver.WaitForAsync(2, r => r.Type == WebhookEventTypes.TaxFormSubmitted);

        // The W-8 enters its last 90 days: the daily reminder run emits tax_form.expiring, once.
        app.Clock.SetUtcNow(new DateTimeOffset(2029, 10, 3, 0, 0, 0, TimeSpan.Zero));
        var reminder = app.Services.GetRequiredService<Remit.Tax.TaxFormReminder>();
        Assert.Equal(1, await reminder.RunAsync(default));
        Assert.Equal(0, await reminder.RunAsync(default));
        var expiring = (await receiver.WaitForAsync(1, r => r.Type == WebhookEventTypes.TaxFormExpiring)).Single();
        await Task.Delay(300);

        var received = receiver.Received.ToList();
        Assert.Equal(3, received.Count);
        Assert.All(received, r => Assert.True(IndependentVerifier.Verifies(secret, r), $"{r.Type} {r.Id} does not verify"));
        var submitted = received.Where(r => r.Type == WebhookEventTypes.TaxFormSubmitted).Select(r => r.Json["data"]!).ToList();
        var w9Data = submitted.Single(d => d["id"]!.GetValue<long>() == w9);
        Assert.Equal(ada, w9Data["affiliate_id"]!.GetValue<long>());
        Assert.Equal("w9", w9Data["form"]!.GetValue<string>());
        Assert.Equal("valid", w9Data["status"]!.GetValue<string>());
        Assert.Equal("paper", w9Data["source"]!.GetValue<string>());
        Assert.Equal("ssn", w9Data["tin_type"]!.GetValue<string>());
        Assert.Equal("6789", w9Data["tin_last4"]!.GetValue<string>());
        Assert.Equal("w8ben", submitted.Single(d => d["id"]!.GetValue<long>() == w8)["form"]!.GetValue<string>());
        var expiringData = expiring.Json["data"]!;
        Assert.Equal(w8, expiringData["id"]!.GetValue<long>());
        Assert.Equal("expiring", expiringData["status"]!.GetValue<string>());
        Assert.Equal("2029-12-31", expiringData["expires_at"]!.GetValue<string>());
        foreach (var secretValue in new[] { "123456789", TaxSetup.Ssn, "12345678901", "1985-07-14" })
            Assert.All(received, r => Assert.DoesNotContain(secretValue, r.Body, StringComparison.Ordinal));
    }

    /// <summary>Payouts made straight through the domain, so no process is woken: the deliverers the test runs find them.</summary>
    private static async Task<List<long>> QuietPayoutsAsync(TestApp app, Tenant t, int count)
    {
        var payouts = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var affiliate = await t.AffiliateAsync();
            await t.CommissionAsync(affiliate, 10m + i);
            await using var db = app.Db(t.ProgramId);
            var outcome = await PayoutActions.CreateManualAsync(db, affiliate, Actor.System, app.Clock, default);
            Assert.Null(outcome.Error);
            payouts.Add(outcome.Value!.Id);
        }
        return payouts;
    }

    [Fact]
    public async Task Two_processes_on_one_database_deliver_each_event_exactly_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var database = await TestDatabase.CreateAsync();
        await using var first = new TestApp { Database = database };
        await using var second = new TestApp { Database = database, OwnsDatabase = false };
        first.Settings[AllowPrivate] = "true";
        second.Settings[AllowPrivate] = "true";
        var t = await first.NewProgramAsync();
        var (endpoint, _) = await RegisterAsync(t, receiver.Url, WebhookEventTypes.PayoutCreated);
        var payouts = await QuietPayoutsAsync(first, t, 30);

        // Both processes' deliverers, two rounds each at a time (and their own loops), racing for the same outbox until it is empty.
        var deliverers = new[] { first, second, first, second }.Select(a => a.Services.GetRequiredService<WebhookDeliverer>()).ToList();
        await Task.WhenAll(deliverers.Select(d => Task.Run(async () =>
        {
            while (await d.RunOnceAsync(default) > 0) { }
        })));
        await receiver.WaitForAsync(30);
        await Task.Delay(300);

        var received = receiver.Received.ToList();
        Assert.Equal(30, received.Count);
        Assert.Equal(30, received.Select(r => r.Id).Distinct().Count());
        Assert.Equal(payouts.Order(), received.Select(r => r.Json["data"]!["id"]!.GetValue<long>()).Order());
        var log = await AttemptsAsync(t, endpoint, 30);
        Assert.Equal(30, log.Count);
        Assert.All(log, a => Assert.Equal(1, a!["attempt"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_round_slower_than_its_lease_never_sends_an_event_another_process_took()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(a => a.Settings[AllowPrivate] = "true");
        var t = await app.NewProgramAsync();
        await RegisterAsync(t, receiver.Url, WebhookEventTypes.PayoutCreated);
        await QuietPayoutsAsync(app, t, 2);
        receiver.Delay = TimeSpan.FromSeconds(1);

        // Two delivery loops with their own clocks: the first claims both events and is slow with the first one.
        var settings = app.Services.GetRequiredService<WebhookSettings>();
        var clockA = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(app.Clock.GetUtcNow());
        var clockB = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(app.Clock.GetUtcNow());
        WebhookDeliverer Loop(TimeProvider clock) => new(app.Services.GetRequiredService<IServiceScopeFactory>(),
            app.Services.GetRequiredService<IHttpClientFactory>(), app.Secrets, settings, clock, NullLoggerFactory.Instance);
        var a = Task.Run(() => Loop(clockA).RunOnceAsync(default));
        await receiver.WaitForAsync(1);
        // Meanwhile the lease on the second event lapses: the first loop must not send it, as another may take it now.
        var lapse = settings.Timeout + TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1);
        clockA.Advance(lapse);
        await Task.WhenAny(a, receiver.WaitForAsync(2, seconds: 5));
        clockB.Advance(lapse);
        var b = await Loop(clockB).RunOnceAsync(default);
        await a;
        await receiver.WaitForAsync(2);
        await Task.Delay(300);

        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(2, receiver.Received.Select(r => r.Id).Distinct().Count());
        Assert.Equal(1, b);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("https://192.168.1.1/")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[::ffff:10.0.0.1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    public async Task A_literal_private_address_is_refused_at_registration(string url)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var error = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/webhook-endpoints", new { url, events = new[] { "payout.created" } }),
            422, "VALIDATION_ERROR");
        Assert.Equal("url", error["details"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(0, (await t.GetAsync("/v1/webhook-endpoints"))["meta"]!["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_name_resolving_to_loopback_is_refused_when_connecting_unless_private_networks_are_allowed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var (endpoint, _) = await RegisterAsync(t, $"http://localhost:{receiver.Port}/hook", WebhookEventTypes.PayoutCreated);
        await t.PendingPayoutAsync(10m);
        var attempt = (await AttemptsAsync(t, endpoint, 1))[0]!;
        Assert.Null(attempt["status_code"]);
        Assert.Contains("loopback", attempt["error"]!.GetValue<string>());
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task An_endpoint_failing_for_three_days_is_disabled_and_the_merchant_told()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = await TestApp.StartAsync(a =>
        {
            a.Settings[AllowPrivate] = "true";
            a.Settings["Remit:Webhooks:RetrySchedule"] = "0:00:00,1.00:00:00,1.00:00:00,1.00:00:00,1.00:00:00";
        });
        for (var i = 0; i < 10; i++) receiver.Answers.Enqueue(503);
        var t = await app.NewProgramAsync();
        var (endpoint, _) = await RegisterAsync(t, receiver.Url, WebhookEventTypes.PayoutCreated);
        await t.PendingPayoutAsync(10m);
        await AttemptsAsync(t, endpoint, 1);
        for (var day = 1; day <= 2; day++)
        {
            Advance(app, TimeSpan.FromDays(1));
            await AttemptsAsync(t, endpoint, day + 1);
            Assert.True((await t.GetAsync($"/v1/webhook-endpoints/{endpoint}"))["data"]!["enabled"]!.GetValue<bool>());
        }
        Advance(app, TimeSpan.FromDays(1));
        await AttemptsAsync(t, endpoint, 4);
        var disabled = (await t.GetAsync($"/v1/webhook-endpoints/{endpoint}"))["data"]!;
        Assert.False(disabled["enabled"]!.GetValue<bool>());
        Assert.Contains("3 days", disabled["disabled_reason"]!.GetValue<string>());
        Assert.Contains(app.Logs, l => l.Contains($"Webhook endpoint {endpoint} of program {t.ProgramId} disabled", StringComparison.Ordinal));

        // Disabled: nothing more is attempted, and a new event waits.
        Advance(app, TimeSpan.FromDays(1));
        Assert.Equal(0, await app.Services.GetRequiredService<WebhookDeliverer>().RunOnceAsync(default));
        // Enabled again (the receiver fixed), what was waiting goes out.
        receiver.Answers.Clear();
        var enabled = await Api.ExpectAsync(await t.Http.PatchAsJsonAsync($"/v1/webhook-endpoints/{endpoint}", new { enabled = true }), 200);
        Assert.Null(enabled["data"]!["disabled_reason"]);
        Advance(app, TimeSpan.FromSeconds(1));
        await AttemptsAsync(t, endpoint, 5);
        Assert.Equal(200, (await AttemptsAsync(t, endpoint, 5))[0]!["status_code"]!.GetValue<int>());
    }

    [Fact]
    public async Task Endpoints_are_validated_changed_and_deleted_within_their_program()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var other = await app.NewProgramAsync();
        var bad = await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/webhook-endpoints", new { url = "ftp://example.com/x", events = new[] { "payout.paid" } }),
            422, "VALIDATION_ERROR");
        Assert.Equal(["url", "events"], bad["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()));
        var (id, _) = await RegisterAsync(t, "https://hooks.example.com/remit", WebhookEventTypes.PayoutCreated);
        await Api.ErrorAsync(await other.Http.GetAsync($"/v1/webhook-endpoints/{id}"), 404, "NOT_FOUND");
        var changed = await Api.ExpectAsync(await t.Http.PatchAsJsonAsync($"/v1/webhook-endpoints/{id}",
            new { events = new[] { "payout.completed", "payout.failed" }, enabled = false }), 200);
        Assert.Equal(["payout.completed", "payout.failed"], changed["data"]!["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.False(changed["data"]!["enabled"]!.GetValue<bool>());
        await Api.ErrorAsync(await t.Http.PatchAsJsonAsync($"/v1/webhook-endpoints/{id}", new { url = "http://10.0.0.1/" }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await other.Http.DeleteAsync($"/v1/webhook-endpoints/{id}"), 404, "NOT_FOUND");
        Assert.Equal(HttpStatusCode.NoContent, (await t.Http.DeleteAsync($"/v1/webhook-endpoints/{id}")).StatusCode);
        await Api.ErrorAsync(await t.Http.GetAsync($"/v1/webhook-endpoints/{id}"), 404, "NOT_FOUND");
    }

    [Fact]
    public void The_signature_matches_the_specification_test_vector()
    {
        var box = new SecretBox(new Dictionary<string, byte[]> { ["k"] = new byte[32] }, "k");
        var deliverer = new WebhookDeliverer(null!, null!, box, new WebhookSettings(), TimeProvider.System, NullLoggerFactory.Instance);
        var endpoint = new WebhookEndpoint { Url = "https://example.com", Events = "payout.created", Secret = box.Encrypt("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") };
        var evt = new WebhookEvent { MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek", Type = "test", Subject = "test", Payload = """{"test": 2432232314}""" };
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            deliverer.Signature(endpoint, evt, DateTimeOffset.FromUnixTimeSeconds(1614265330)));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.255.0.9", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("100.64.0.1", true)]
    [InlineData("169.254.169.254", true)]
    [InlineData("172.16.0.1", true)]
    [InlineData("172.31.255.255", true)]
    [InlineData("192.0.0.8", true)]
    [InlineData("192.168.0.1", true)]
    [InlineData("198.18.0.1", true)]
    [InlineData("224.0.0.1", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("::", true)]
    [InlineData("::1", true)]
    [InlineData("fc00::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:169.254.169.254", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("172.32.0.1", false)]
    [InlineData("100.128.0.1", false)]
    [InlineData("2001:4860:4860::8888", false)]
    [InlineData("::ffff:8.8.8.8", false)]
    public void Private_loopback_link_local_and_reserved_addresses_are_blocked(string address, bool blocked) =>
        Assert.Equal(blocked, PrivateNetworks.IsBlocked(IPAddress.Parse(address)));
}

public sealed class WebhookSecretRotationTests
{
    [Fact]
    public async Task Secrets_rotate_moves_webhook_secrets_to_the_active_key_and_they_still_sign()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var created = await Api.ExpectAsync(await t.Http.PostAsJsonAsync("/v1/webhook-endpoints",
            new { url = "https://hooks.example.com/remit", events = new[] { "payout.created" } }), 201);
        var secret = created["data"]!["secret"]!.GetValue<string>();
        TestLog.RecordSecret("webhook secret", secret);
        var id = created["data"]!["id"]!.GetValue<long>();
        var rotated = (await t.PostAsync($"/v1/webhook-endpoints/{id}/rotate-secret"))["data"]!["secret"]!.GetValue<string>();
        TestLog.RecordSecret("webhook secret", rotated);

        var newKey = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var box = new SecretBox(new Dictionary<string, byte[]> { [TestApp.KeyId] = Convert.FromBase64String(TestApp.Key), ["k2"] = newKey }, "k2");
        await using var db = app.Db();
        var result = await SecretRotation.RotateAsync(db, box);
        Assert.Equal(1, result.WebhookEndpoints);

        var onlyNew = new SecretBox(new Dictionary<string, byte[]> { ["k2"] = newKey }, "k2");
        await using var check = app.Db(t.ProgramId);
        var endpoint = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(check.WebhookEndpoints);
        Assert.Equal(rotated, onlyNew.Decrypt(endpoint.Secret));
        Assert.Equal(secret, onlyNew.Decrypt(endpoint.PreviousSecret!));
        Assert.Equal(0, (await SecretRotation.RotateAsync(db, box)).WebhookEndpoints);
    }
}
