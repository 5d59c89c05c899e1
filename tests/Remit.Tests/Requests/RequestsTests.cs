using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Remit.Tests.Requests;

using Remit.Tests.Infrastructure;

/// <summary>
/// Payout requests. One host for the class, a program per test. The clock only moves on: commissions dated from its
/// start are at least that old, and times are checked against the clock as it stands.
/// </summary>
public sealed class RequestsTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private const string Url = "/v1/payouts/requests";

    private static async Task AllowRequestsAsync(Tenant t, decimal minPayout = 50m, bool allow = true)
    {
        var response = await t.Http.PutAsJsonAsync("/v1/settings/payouts",
            new JsonObject { ["allow_early_requests"] = allow, ["min_payout"] = minPayout });
        await Api.ExpectAsync(response, 200);
    }

    private static Task<HttpResponseMessage> AskAsync(Tenant t, long affiliate, string? note = null) =>
        t.Http.PostAsJsonAsync(Url, new JsonObject { ["affiliate_id"] = affiliate, ["note"] = note });

    private static async Task<JsonNode> AskOkAsync(Tenant t, long affiliate, string? note = null) =>
        (await Api.ExpectAsync(await AskAsync(t, affiliate, note), 201))["data"]!;

    private static async Task<long> AffiliateWithAsync(Tenant t, params decimal[] amounts)
    {
        var affiliate = await t.AffiliateAsync();
        foreach (var amount in amounts) await t.CommissionAsync(affiliate, amount, earnedAt: TestApp.Start.UtcDateTime.AddDays(-10));
        return affiliate;
    }

    private static string Now(TestApp app) => app.Clock.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<long> PayoutCountAsync(Tenant t, long affiliate) =>
        (await t.GetAsync($"/v1/payouts?affiliate_id={affiliate}"))["meta"]!["total"]!.GetValue<long>();

    [Fact]
    public async Task Asking_is_422_when_early_requests_are_off()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await AffiliateWithAsync(t, 500m);

        await Api.ErrorAsync(await AskAsync(t, affiliate), 422, "VALIDATION_ERROR");

        await AllowRequestsAsync(t, allow: false);
        await Api.ErrorAsync(await AskAsync(t, affiliate), 422, "VALIDATION_ERROR");
        Assert.Equal(0, (await t.GetAsync(Url))["meta"]!["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Asking_is_422_when_the_payable_balance_is_below_the_minimum()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await AllowRequestsAsync(t, minPayout: 50m);
        var affiliate = await AffiliateWithAsync(t, 30m, 19.99m);
        // On hold: not payable, so it does not count towards the minimum.
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { hold_days = 3 }), 200);
        await t.CommissionAsync(affiliate, 100m);

        await Api.ErrorAsync(await AskAsync(t, affiliate), 422, "VALIDATION_ERROR");
        var none = await AffiliateWithAsync(t);
        await Api.ErrorAsync(await AskAsync(t, none), 422, "VALIDATION_ERROR");

        // Exactly the minimum is enough.
        await t.CommissionAsync(affiliate, 0.01m, earnedAt: TestApp.Start.UtcDateTime.AddDays(-4));
        var request = await AskOkAsync(t, affiliate);
        Assert.Equal("50.00", Api.Raw(request["amount"]));
    }

    [Fact]
    public async Task Asking_is_422_while_the_affiliate_has_a_pending_request()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await AllowRequestsAsync(t);
        var affiliate = await AffiliateWithAsync(t, 100m);
        var first = await AskOkAsync(t, affiliate);

        await Api.ErrorAsync(await AskAsync(t, affiliate), 422, "VALIDATION_ERROR");
        Assert.Equal(1, (await t.GetAsync(Url))["meta"]!["total"]!.GetValue<long>());

        // Once the first is decided, the affiliate may ask again.
        await t.PostAsync($"{Url}/{first["id"]}/reject");
        await AskOkAsync(t, affiliate);
    }

    [Fact]
    public async Task Asking_answers_201_with_the_payable_balance()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await AllowRequestsAsync(t, minPayout: 25m);
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { hold_days = 2 }), 200);
        var affiliate = await AffiliateWithAsync(t);
        await t.CommissionAsync(affiliate, 100m, earnedAt: TestApp.Start.UtcDateTime.AddDays(-5));
        await t.CommissionAsync(affiliate, 20.5m, earnedAt: TestApp.Start.UtcDateTime.AddDays(-3));
        await t.CommissionAsync(affiliate, 7m); // on hold
        var voided = await t.CommissionAsync(affiliate, 3m, earnedAt: TestApp.Start.UtcDateTime.AddDays(-5));
        await t.PostAsync($"/v1/commissions/{voided}/void");

        var response = await AskAsync(t, affiliate, "Rent is due");
        var request = (await Api.ExpectAsync(response, 201))["data"]!;

        Assert.Equal("120.50", Api.Raw(request["amount"]));
        Assert.Equal("USD", request["currency"]!.GetValue<string>());
        Assert.Equal("pending", request["status"]!.GetValue<string>());
        Assert.Equal(affiliate, request["affiliate_id"]!.GetValue<long>());
        Assert.Equal("Rent is due", request["note"]!.GetValue<string>());
        Assert.Null(request["payout_id"]);
        Assert.Null(request["rejection_reason"]);
        Assert.Equal(Now(app), request["created_at"]!.GetValue<string>());
        Assert.EndsWith($"{Url}/{request["id"]}", response.Headers.Location!.ToString());
        // Asking makes no payout.
        Assert.Equal(0, await PayoutCountAsync(t, affiliate));
    }

    [Fact]
    public async Task Asking_for_an_unknown_or_missing_affiliate()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var other = await app.NewProgramAsync(name: "Other");
        await AllowRequestsAsync(t);
        var theirs = await AffiliateWithAsync(other, 100m);

        await Api.ErrorAsync(await AskAsync(t, theirs), 404, "NOT_FOUND");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync(Url, new { note = "hi" }), 422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task List_filters_by_status_pages_and_shows_pending_first()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await AllowRequestsAsync(t);
        var oldest = await AskOkAsync(t, await AffiliateWithAsync(t, 60m));
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var middle = await AskOkAsync(t, await AffiliateWithAsync(t, 70m));
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var newest = await AskOkAsync(t, await AffiliateWithAsync(t, 80m));
        app.Clock.Advance(TimeSpan.FromMinutes(5));
        var newestPending = await AskOkAsync(t, await AffiliateWithAsync(t, 90m));
        await t.PostAsync($"{Url}/{middle["id"]}/reject", new { reason = "no" });
        await t.PostAsync($"{Url}/{newest["id"]}/approve");

        var all = await t.GetAsync(Url);
        var ids = all["data"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()).ToList();
        // Pending first (newest first among them), then the decided ones, newest first.
        Assert.Equal([Id(newestPending), Id(oldest), Id(newest), Id(middle)], ids);
        Assert.Equal(4, all["meta"]!["total"]!.GetValue<long>());

        var pending = await t.GetAsync($"{Url}?status=pending");
        Assert.Equal([Id(newestPending), Id(oldest)], pending["data"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()));
        Assert.All(pending["data"]!.AsArray(), r => Assert.Equal("pending", r!["status"]!.GetValue<string>()));
        var rejected = await t.GetAsync($"{Url}?status=rejected");
        Assert.Equal([Id(middle)], rejected["data"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()));
        var approved = await t.GetAsync($"{Url}?status=approved");
        Assert.Equal([Id(newest)], approved["data"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()));

        var page2 = await t.GetAsync($"{Url}?per_page=3&page=2");
        Assert.Equal([Id(middle)], page2["data"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()));
        Assert.Equal(2, page2["meta"]!["page"]!.GetValue<int>());
        Assert.Equal(3, page2["meta"]!["per_page"]!.GetValue<int>());
        Assert.Equal(4, page2["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(2, page2["meta"]!["total_pages"]!.GetValue<long>());
        var past = await t.GetAsync($"{Url}?per_page=3&page=5");
        Assert.Empty(past["data"]!.AsArray());

        await Api.ErrorAsync(await t.Http.GetAsync($"{Url}?status=waiting"), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.GetAsync($"{Url}?per_page=101"), 422, "VALIDATION_ERROR");

        // Another program sees none of them.
        var other = await app.NewProgramAsync(name: "Other");
        Assert.Equal(0, (await other.GetAsync(Url))["meta"]!["total"]!.GetValue<long>());
    }

    private static long Id(JsonNode request) => request["id"]!.GetValue<long>();

    [Fact]
    public async Task Get_one_request()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await AllowRequestsAsync(t);
        var affiliate = await AffiliateWithAsync(t, 64.1m);
        var created = await AskOkAsync(t, affiliate, "please");

        var got = (await t.GetAsync($"{Url}/{Id(created)}"))["data"]!;

        Assert.Equal(created.ToJsonString(), got.ToJsonString());
        Assert.Equal("64.10", Api.Raw(got["amount"]));
        Assert.Equal(affiliate, got["affiliate"]!["id"]!.GetValue<long>());
        await Api.ErrorAsync(await t.Http.GetAsync($"{Url}/{Id(created) + 1000}"), 404, "NOT_FOUND");
        var other = await app.NewProgramAsync(name: "Other");
        await Api.ErrorAsync(await other.Http.GetAsync($"{Url}/{Id(created)}"), 404, "NOT_FOUND");
        await Api.ErrorAsync(await other.Http.PostAsync($"{Url}/{Id(created)}/approve", null), 404, "NOT_FOUND");
        await Api.ErrorAsync(await other.Http.PostAsync($"{Url}/{Id(created)}/reject", null), 404, "NOT_FOUND");
        Assert.Equal("pending", (await t.GetAsync($"{Url}/{Id(created)}"))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Approve_makes_a_pending_payout_of_what_is_payable_now()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await AllowRequestsAsync(t);
        var affiliate = await AffiliateWithAsync(t, 100m);
        var request = await AskOkAsync(t, affiliate);
        Assert.Equal("100.00", Api.Raw(request["amount"]));
        // Earned after the request: payable now, so it goes into the payout too.
        await t.CommissionAsync(affiliate, 25.25m);
        app.Clock.Advance(TimeSpan.FromHours(1));
        var decidedAt = Now(app);

        var response = await t.Http.PostAsync($"{Url}/{Id(request)}/approve", null);
        var approved = (await Api.ExpectAsync(response, 200))["data"]!;

        Assert.Equal("approved", approved["status"]!.GetValue<string>());
        Assert.Equal(Id(request), Id(approved));
        Assert.Equal("100.00", Api.Raw(approved["amount"])); // the amount asked stays as asked
        Assert.Equal(decidedAt, approved["decided_at"]!.GetValue<string>());
        var payoutId = approved["payout_id"]!.GetValue<long>();
        var payout = (await t.GetAsync($"/v1/payouts/{payoutId}"))["data"]!;
        Assert.Equal("pending", payout["status"]!.GetValue<string>());
        Assert.Equal("request", payout["source"]!.GetValue<string>());
        Assert.Equal("125.25", Api.Raw(payout["amount"]));
        Assert.Equal(affiliate, payout["affiliate_id"]!.GetValue<long>());
        Assert.Equal(Id(request), payout["request_id"]!.GetValue<long>());
        Assert.Equal(2, payout["commissions_count"]!.GetValue<int>());
        Assert.Equal(1, await PayoutCountAsync(t, affiliate));
        var again = (await t.GetAsync($"{Url}/{Id(request)}"))["data"]!;
        Assert.Equal(payoutId, again["payout_id"]!.GetValue<long>());
        Assert.Equal("approved", again["status"]!.GetValue<string>());
        var balance = (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"];
        Assert.Equal("0.00", Api.Raw(balance));
        Assert.Equal("125.25", Api.Raw((await t.GetAsync("/v1/payouts/stats"))["data"]!["total_pending_amount"]));
    }

    [Fact]
    public async Task Approve_with_nothing_payable_is_422_and_the_request_stays_pending()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await AllowRequestsAsync(t);
        var affiliate = await t.AffiliateAsync();
        var c1 = await t.CommissionAsync(affiliate, 40m);
        var c2 = await t.CommissionAsync(affiliate, 60m);
        var request = await AskOkAsync(t, affiliate);
        await t.PostAsync($"/v1/commissions/{c1}/void");
        await t.PostAsync($"/v1/commissions/{c2}/void");

        await Api.ErrorAsync(await t.Http.PostAsync($"{Url}/{Id(request)}/approve", null), 422, "VALIDATION_ERROR");

        var after = (await t.GetAsync($"{Url}/{Id(request)}"))["data"]!;
        Assert.Equal("pending", after["status"]!.GetValue<string>());
        Assert.Null(after["payout_id"]);
        Assert.Null(after["decided_at"]);
        Assert.Equal(0, await PayoutCountAsync(t, affiliate));
        Assert.Equal(1, (await t.GetAsync("/v1/payouts/stats"))["data"]!["pending_requests_count"]!.GetValue<int>());

        // Once something is payable again, the same request can be approved.
        await t.CommissionAsync(affiliate, 10m);
        var approved = await t.PostAsync($"{Url}/{Id(request)}/approve");
        var payout = await t.GetAsync($"/v1/payouts/{approved["data"]!["payout_id"]}");
        Assert.Equal("10.00", Api.Raw(payout["data"]!["amount"]));
        Assert.Equal(1, await PayoutCountAsync(t, affiliate));
    }

    [Fact]
    public async Task Approving_or_rejecting_a_decided_request_is_409_and_changes_nothing()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await AllowRequestsAsync(t);
        var a1 = await AffiliateWithAsync(t, 100m);
        var a2 = await AffiliateWithAsync(t, 100m);
        var approved = Id(await AskOkAsync(t, a1));
        var rejected = Id(await AskOkAsync(t, a2));
        var payoutId = (await t.PostAsync($"{Url}/{approved}/approve"))["data"]!["payout_id"]!.GetValue<long>();
        await t.PostAsync($"{Url}/{rejected}/reject", new { reason = "Too early" });
        await t.CommissionAsync(a1, 10m);
        await t.CommissionAsync(a2, 10m);

        await Api.ErrorAsync(await t.Http.PostAsync($"{Url}/{approved}/approve", null), 409, "INVALID_STATUS");
        await Api.ErrorAsync(await t.Http.PostAsync($"{Url}/{approved}/reject", null), 409, "INVALID_STATUS");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"{Url}/{rejected}/reject", new { reason = "again" }), 409, "INVALID_STATUS");
        await Api.ErrorAsync(await t.Http.PostAsync($"{Url}/{rejected}/approve", null), 409, "INVALID_STATUS");

        var a = (await t.GetAsync($"{Url}/{approved}"))["data"]!;
        Assert.Equal("approved", a["status"]!.GetValue<string>());
        Assert.Equal(payoutId, a["payout_id"]!.GetValue<long>());
        Assert.Null(a["rejection_reason"]);
        var r = (await t.GetAsync($"{Url}/{rejected}"))["data"]!;
        Assert.Equal("rejected", r["status"]!.GetValue<string>());
        Assert.Equal("Too early", r["rejection_reason"]!.GetValue<string>());
        Assert.Null(r["payout_id"]);
        Assert.Equal(1, await PayoutCountAsync(t, a1));
        Assert.Equal(0, await PayoutCountAsync(t, a2));
        await Api.ErrorAsync(await t.Http.PostAsync($"{Url}/999999/approve", null), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task Reject_with_a_reason_shows_it()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await AllowRequestsAsync(t);
        var affiliate = await AffiliateWithAsync(t, 100m);
        var request = await AskOkAsync(t, affiliate);

        var rejected = (await t.PostAsync($"{Url}/{Id(request)}/reject", new { reason = "Wait for the monthly run" }))["data"]!;

        Assert.Equal("rejected", rejected["status"]!.GetValue<string>());
        Assert.Equal("Wait for the monthly run", rejected["rejection_reason"]!.GetValue<string>());
        Assert.Null(rejected["payout_id"]);
        Assert.NotNull(rejected["decided_at"]);
        Assert.Equal("Wait for the monthly run", (await t.GetAsync($"{Url}/{Id(request)}"))["data"]!["rejection_reason"]!.GetValue<string>());
        Assert.Equal(0, await PayoutCountAsync(t, affiliate));
        // The money stays payable.
        Assert.Equal("100.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
    }

    [Fact]
    public async Task Reject_and_approve_work_with_no_body_and_no_content_type()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await AllowRequestsAsync(t);
        var first = await AskOkAsync(t, await AffiliateWithAsync(t, 100m));
        var second = await AskOkAsync(t, await AffiliateWithAsync(t, 100m));

        using var reject = new HttpRequestMessage(HttpMethod.Post, $"{Url}/{Id(first)}/reject");
        var rejectResponse = await t.Http.SendAsync(reject);
        Assert.Null(reject.Content?.Headers.ContentType);
        var rejected = (await Api.ExpectAsync(rejectResponse, 200))["data"]!;
        Assert.Equal("rejected", rejected["status"]!.GetValue<string>());
        Assert.Null(rejected["rejection_reason"]);

        // The seed's own example URL: /api//v1/... with no body.
        using var approve = new HttpRequestMessage(HttpMethod.Post, $"/api//v1/payouts/requests/{Id(second)}/approve");
        var approved = (await Api.ExpectAsync(await t.Http.SendAsync(approve), 200))["data"]!;
        Assert.Equal("approved", approved["status"]!.GetValue<string>());
        Assert.NotNull(approved["payout_id"]);
    }

    [Fact]
    public async Task Reject_with_a_bad_body_is_422()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await AllowRequestsAsync(t);
        var request = await AskOkAsync(t, await AffiliateWithAsync(t, 100m));

        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"{Url}/{Id(request)}/reject", new { reason = new string('x', 2001) }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync($"{Url}/{Id(request)}/reject", new { why = "x" }), 422, "VALIDATION_ERROR");

        Assert.Equal("pending", (await t.GetAsync($"{Url}/{Id(request)}"))["data"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ten_concurrent_approvals_make_exactly_one_payout()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await AllowRequestsAsync(t);
        var affiliate = await AffiliateWithAsync(t, 100m, 50m);
        var request = await AskOkAsync(t, affiliate);
        var clients = Enumerable.Range(0, 10).Select(_ => app.ClientWith(t.Token)).ToList();

        var responses = await Task.WhenAll(clients.Select(c => c.PostAsync($"{Url}/{Id(request)}/approve", null)));

        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.Equal(1, statuses.Count(s => s == 200));
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            await Api.ErrorAsync(response, 409, "INVALID_STATUS");
        var payouts = await t.GetAsync($"/v1/payouts?affiliate_id={affiliate}");
        Assert.Equal(1, payouts["meta"]!["total"]!.GetValue<long>());
        Assert.Equal("150.00", Api.Raw(payouts["data"]![0]!["amount"]));
        var winner = (await Api.ExpectAsync(responses.Single(r => r.StatusCode == HttpStatusCode.OK), 200))["data"]!;
        Assert.Equal(payouts["data"]![0]!["id"]!.GetValue<long>(), winner["payout_id"]!.GetValue<long>());
        foreach (var c in clients) c.Dispose();
    }
}
