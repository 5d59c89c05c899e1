using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Api;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// The error envelope for every kind of failure, the contract's check order, strict bodies, money formatting, the
/// seed's /api//v1 URLs, and the rate limits with their headers. One host for the class, a program per test (the
/// rate-limit tests keep a host of their own): the cases name the program's own rows as {payout}, {affiliate} and
/// {commission}, never by an id another program may hold.
/// </summary>
public sealed partial class ErrorTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private static HttpRequestMessage Json(string method, string url, string? json, string? contentType = "application/json")
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        }
        return request;
    }

    /// <summary>The envelope with its code, and nothing of a stack trace or exception in it.</summary>
    private static async Task<JsonNode> ErrorAsync(HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("Exception", text);
        Assert.DoesNotMatch(@"\bat [A-Z][\w.]+\(", text);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        var error = await Api.ErrorAsync(response, status, code);
        Assert.IsType<JsonArray>(error["details"]);
        return error;
    }

    /// <summary>The rows each case starts from: one affiliate's commission in a pending payout.</summary>
    private sealed record Rows(long Affiliate, long Commission, long Payout)
    {
        public string Fill(string text) => text
            .Replace("{affiliate}", Affiliate.ToString(), StringComparison.Ordinal)
            .Replace("{commission}", Commission.ToString(), StringComparison.Ordinal)
            .Replace("{payout}", Payout.ToString(), StringComparison.Ordinal);
    }

    private static async Task<Rows> PendingPayoutAsync(Tenant t)
    {
        var affiliate = await t.AffiliateAsync();
        var commission = await t.CommissionAsync(affiliate, 10m);
        return new Rows(affiliate, commission, await t.PayoutAsync(affiliate));
    }

    private static async Task<long> CommissionCountAsync(Tenant t) => (await t.GetAsync("/v1/commissions"))["meta"]!["total"]!.GetValue<long>();

    [Theory]
    [InlineData("GET", "/v1/nothing-here")]
    [InlineData("GET", "/v1/payouts/{payout}/receipt")]
    [InlineData("POST", "/v1/payouts/{payout}/refund")]
    [InlineData("GET", "/v2/payouts")]
    [InlineData("GET", "/v1/payouts/abc")]
    [InlineData("GET", "/v1/payouts/1.5")]
    [InlineData("GET", "/v1/payouts/-1/statement")]
    [InlineData("POST", "/v1/payouts/abc/complete")]
    [InlineData("GET", "/v1/payouts/requests/abc")]
    [InlineData("POST", "/v1/payouts/requests/x1/approve")]
    [InlineData("GET", "/v1/affiliates/abc")]
    [InlineData("PATCH", "/v1/affiliates/ten")]
    [InlineData("GET", "/v1/commissions/1e3")]
    [InlineData("GET", "/v1/payouts/99999999999999999999999")]
    public async Task Unknown_routes_and_non_numeric_ids_are_404_in_the_envelope(string method, string url)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var rows = await PendingPayoutAsync(t);
        await ErrorAsync(await t.Http.SendAsync(Json(method, rows.Fill(url), method == "GET" ? null : "{}")), 404, "NOT_FOUND");
    }

    [Theory]
    [InlineData("DELETE", "/v1/payouts/{payout}")]
    [InlineData("PUT", "/v1/payouts/{payout}")]
    [InlineData("GET", "/v1/payouts/{payout}/complete")]
    [InlineData("DELETE", "/v1/payouts")]
    [InlineData("PATCH", "/v1/payouts/requests/1")]
    [InlineData("POST", "/v1/settings/payouts")]
    [InlineData("DELETE", "/v1/affiliates/{affiliate}")]
    [InlineData("PUT", "/v1/commissions/{commission}")]
    public async Task A_wrong_method_on_a_known_route_is_405_in_the_envelope(string method, string url)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var rows = await PendingPayoutAsync(t);
        await ErrorAsync(await t.Http.SendAsync(Json(method, rows.Fill(url), method is "GET" or "DELETE" ? null : "{}")), 405, "METHOD_NOT_ALLOWED");
        // Nothing was deleted or changed.
        Assert.Equal("pending", (await t.GetAsync($"/v1/payouts/{rows.Payout}"))["data"]!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("POST", "/v1/commissions", """{"affiliate_id": {affiliate}, "amount": 10.00""")]
    [InlineData("POST", "/v1/commissions", """{'affiliate_id': {affiliate}}""")]
    [InlineData("POST", "/v1/affiliates", "name=Ada&email=ada@example.com")]
    [InlineData("POST", "/v1/payouts/{payout}/complete", """{"reference": "TXN-1",}""")]
    [InlineData("POST", "/v1/payouts/bulk-complete", """{"ids": [{payout},""")]
    [InlineData("PUT", "/v1/settings/payouts", """{"payout_day": }""")]
    [InlineData("PATCH", "/v1/affiliates/{affiliate}", "not json at all")]
    public async Task Malformed_json_is_422_and_changes_nothing(string method, string url, string body)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var rows = await PendingPayoutAsync(t);
        var before = await SnapshotAsync(t, rows);
        await ErrorAsync(await t.Http.SendAsync(Json(method, rows.Fill(url), rows.Fill(body))), 422, "VALIDATION_ERROR");
        Assert.Equal(before, await SnapshotAsync(t, rows));
    }

    [Theory]
    [InlineData("POST", "/v1/affiliates", """{"name":"Ada","email":"ada@example.com","country":"US","payout_method":"paypal","paypal_email":"ada@example.com","nickname":"countess"}""", "nickname")]
    [InlineData("POST", "/v1/commissions", """{"affiliate_id":{affiliate},"amount":5.00,"discount":1}""", "discount")]
    [InlineData("POST", "/v1/payouts/{payout}/complete", """{"reference":"TXN-1","memo":"x"}""", "memo")]
    [InlineData("POST", "/v1/payouts/{payout}/fail", """{"reason":"x","failure_reason":"y"}""", "failure_reason")]
    [InlineData("POST", "/v1/payouts", """{"affiliate_id":{affiliate},"amount":5}""", "amount")]
    [InlineData("POST", "/v1/payouts/bulk-processing", """{"ids":[{payout}],"payout_ids":[{payout}]}""", "payout_ids")]
    [InlineData("PUT", "/v1/settings/payouts", """{"payout_day":2,"payout_weekday":3}""", "payout_weekday")]
    [InlineData("PATCH", "/v1/affiliates/{affiliate}", """{"name":"New","phone":"555"}""", "phone")]
    public async Task An_unknown_body_field_is_422_naming_the_field_and_changes_nothing(string method, string url, string body, string field)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var rows = await PendingPayoutAsync(t);
        var before = await SnapshotAsync(t, rows);
        var error = await ErrorAsync(await t.Http.SendAsync(Json(method, rows.Fill(url), rows.Fill(body))), 422, "VALIDATION_ERROR");
        Assert.Contains(field, error["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()));
        Assert.Contains(field, error["message"]!.GetValue<string>());
        Assert.Equal(before, await SnapshotAsync(t, rows));
    }

    [Theory]
    [InlineData("POST", "/v1/commissions", """{"affiliate_id":"one","amount":5.00}""", "affiliate_id")]
    [InlineData("POST", "/v1/commissions", """{"affiliate_id":{affiliate},"amount":"5.00"}""", "amount")]
    [InlineData("POST", "/v1/commissions", """{"affiliate_id":{affiliate},"amount":5.00,"earned_at":"last tuesday"}""", "earned_at")]
    [InlineData("POST", "/v1/commissions", """{"affiliate_id":{affiliate},"amount":5.00,"earned_at":1773576000}""", "earned_at")]
    [InlineData("POST", "/v1/payouts/{payout}/complete", """{"reference":12345}""", "reference")]
    [InlineData("POST", "/v1/payouts/bulk-complete", """{"ids":"1,2"}""", "ids")]
    [InlineData("POST", "/v1/payouts", """{"affiliate_id":true}""", "affiliate_id")]
    [InlineData("PUT", "/v1/settings/payouts", """{"payout_day":"1"}""", "payout_day")]
    [InlineData("PUT", "/v1/settings/payouts", """{"allow_early_requests":"yes"}""", "allow_early_requests")]
    [InlineData("PATCH", "/v1/affiliates/{affiliate}", """{"name":["Ada"]}""", "name")]
    public async Task A_wrong_type_is_422_naming_the_field(string method, string url, string body, string field)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var rows = await PendingPayoutAsync(t);
        var before = await SnapshotAsync(t, rows);
        var error = await ErrorAsync(await t.Http.SendAsync(Json(method, rows.Fill(url), rows.Fill(body))), 422, "VALIDATION_ERROR");
        Assert.Contains(field, error["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()));
        Assert.Equal(before, await SnapshotAsync(t, rows));
    }

    [Theory]
    [InlineData("POST", "/v1/affiliates", true)]
    [InlineData("POST", "/v1/commissions", true)]
    [InlineData("POST", "/v1/payouts/{payout}/complete", true)]
    [InlineData("PUT", "/v1/settings/payouts", true)]
    [InlineData("POST", "/v1/affiliates", false)]
    [InlineData("POST", "/v1/payouts/{payout}/fail", false)]
    public async Task A_body_over_one_MiB_is_413(string method, string url, bool withLength)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var rows = await PendingPayoutAsync(t);
        var before = await SnapshotAsync(t, rows);
        var big = Encoding.UTF8.GetBytes("{\"notes\":\"" + new string('x', (1 << 20) + 100) + "\"}");
        var request = new HttpRequestMessage(new HttpMethod(method), rows.Fill(url));
        // With a Content-Length, and streamed (chunked, no length), so the limit is not only a header check.
        request.Content = withLength ? new ByteArrayContent(big) : new StreamContent(new UnknownLengthStream(big));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (!withLength) request.Headers.TransferEncodingChunked = true;
        await ErrorAsync(await t.Http.SendAsync(request), 413, "PAYLOAD_TOO_LARGE");
        Assert.Equal(before, await SnapshotAsync(t, rows));
    }

    [Fact]
    public async Task A_body_just_under_one_MiB_is_read()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (_, payout) = await t.PendingPayoutAsync(10m);
        // Padded with whitespace, which JSON allows: big, but under the limit, so the answer is about its content.
        var json = "{\"notes\":\"fine\"}" + new string(' ', (1 << 20) - 100);
        var response = await t.Http.SendAsync(Json("POST", $"/v1/payouts/{payout}/processing", json));
        Assert.Equal("fine", (await Api.ExpectAsync(response, 200))["data"]!["notes"]!.GetValue<string>());
    }

    [Fact]
    public async Task Amounts_with_more_decimals_than_the_currency_are_422_and_create_nothing()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();

        foreach (var amount in new[] { "12.345", "0.001", "1250.999" })
        {
            var response = await t.Http.SendAsync(Json("POST", "/v1/commissions", $$"""{"affiliate_id":{{affiliate}},"amount":{{amount}},"reference":"R-{{amount}}"}"""));
            var error = await ErrorAsync(response, 422, "VALIDATION_ERROR");
            Assert.Equal(["amount"], error["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()));
        }
        Assert.Equal(0, await CommissionCountAsync(t));
        Assert.Equal("0.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));

        var settings = await t.Http.SendAsync(Json("PUT", "/v1/settings/payouts", """{"min_payout": 10.005, "payout_day": 5}"""));
        await ErrorAsync(settings, 422, "VALIDATION_ERROR");
        var current = (await t.GetAsync("/v1/settings/payouts"))["data"]!;
        Assert.Equal("50.00", Api.Raw(current["min_payout"]));
        Assert.Equal(1, current["payout_day"]!.GetValue<int>());

        // Two decimals are fine, and trailing zeros past them too (12.340 is 12.34).
        await t.CommissionAsync(affiliate, 12.34m);
        var response2 = await t.Http.SendAsync(Json("POST", "/v1/commissions", $$"""{"affiliate_id":{{affiliate}},"amount":12.340}"""));
        Assert.Equal("12.34", Api.Raw((await Api.ExpectAsync(response2, 201))["data"]!["amount"]));
        Assert.Equal(2, await CommissionCountAsync(t));
    }

    [Fact]
    public async Task Amounts_render_with_exactly_two_decimals()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var created = await t.Http.SendAsync(Json("POST", "/v1/commissions", $$"""{"affiliate_id":{{affiliate}},"amount":1250}"""));
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.Equal(201, (int)created.StatusCode);
        Assert.Contains("\"amount\":1250.00", createdText);
        Assert.DoesNotContain("\"amount\":1250,", createdText);
        await t.CommissionAsync(affiliate, 100);
        var payout = await t.PayoutAsync(affiliate);

        var commissions = await (await t.Http.GetAsync($"/v1/commissions?affiliate_id={affiliate}")).Content.ReadAsStringAsync();
        Assert.Contains("\"amount\":1250.00", commissions);
        Assert.Contains("\"amount\":100.00", commissions);
        var detail = await (await t.Http.GetAsync($"/v1/payouts/{payout}")).Content.ReadAsStringAsync();
        Assert.Contains("\"amount\":1350.00", detail);
        var stats = await (await t.Http.GetAsync("/v1/payouts/stats")).Content.ReadAsStringAsync();
        Assert.Contains("\"total_pending_amount\":1350.00", stats);
        Assert.Contains("\"completed_this_month\":0.00", stats);
        var settings = await (await t.Http.GetAsync("/v1/settings/payouts")).Content.ReadAsStringAsync();
        Assert.Contains("\"min_payout\":50.00", settings);
        var affiliateText = await (await t.Http.GetAsync($"/v1/affiliates/{affiliate}")).Content.ReadAsStringAsync();
        Assert.Contains("\"balance\":0.00", affiliateText);
        // No amount anywhere without its two decimals.
        foreach (var text in new[] { createdText, commissions, detail, stats, settings, affiliateText })
            Assert.DoesNotMatch("\"(amount|balance|pending_balance|total_pending_amount|completed_this_month|min_payout|processing_amount)\":-?\\d+(\\.\\d?)?[,}]", text);
    }

    [Fact]
    public async Task A_reused_commission_reference_is_409_naming_the_first_commission()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var first = await t.CommissionAsync(affiliate, 10m, "ORDER-1001");

        var response = await t.Http.SendAsync(Json("POST", "/v1/commissions", $$"""{"affiliate_id":{{affiliate}},"amount":20.00,"reference":"ORDER-1001"}"""));
        var error = await ErrorAsync(response, 409, "DUPLICATE_REFERENCE");
        Assert.Matches($@"\b{first}\b", error["message"]!.GetValue<string>());
        Assert.Equal(1, await CommissionCountAsync(t));
        Assert.Equal("10.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));

        // Unique within the program: another program may use the same order id.
        var other = await app.NewProgramAsync(name: "Other");
        await other.CommissionAsync(await other.AffiliateAsync(), 5m, "ORDER-1001");
    }

    [Fact]
    public async Task The_seeds_api_double_slash_urls_answer_like_v1()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        Assert.Equal(200, (int)(await t.Http.PutAsJsonAsync("/api//v1/settings/payouts", new
        {
            payout_frequency = "monthly", payout_day = 1, min_payout = 0, allow_early_requests = true, auto_create_payouts = true,
        })).StatusCode);
        var (_, payout) = await t.PendingPayoutAsync(1250m);
        var requester = await t.AffiliateAsync();
        await t.CommissionAsync(requester, 30m);
        var request = (await t.PostAsync("/api/v1/payouts/requests", new { affiliate_id = requester }, 201))["data"]!["id"]!.GetValue<long>();

        var v1 = await (await t.Http.GetAsync("/v1/payouts/stats")).Content.ReadAsStringAsync();
        Assert.Equal(v1, await (await t.Http.GetAsync("/api//v1/payouts/stats")).Content.ReadAsStringAsync());
        Assert.Equal(v1, await (await t.Http.GetAsync("/api/v1/payouts/stats")).Content.ReadAsStringAsync());
        Assert.Contains("\"total_pending_amount\":1250.00", v1);
        Assert.Equal(await (await t.Http.GetAsync("/v1/payouts?sort=id")).Content.ReadAsStringAsync(),
            await (await t.Http.GetAsync("/api//v1/payouts?sort=id")).Content.ReadAsStringAsync());
        Assert.Equal(await (await t.Http.GetAsync($"/v1/payouts/{payout}")).Content.ReadAsStringAsync(),
            await (await t.Http.GetAsync($"/api/v1/payouts/{payout}")).Content.ReadAsStringAsync());

        // The seed's examples, as written: complete with a JSON body, approve with no body.
        var complete = await t.Http.SendAsync(Json("POST", $"/api//v1/payouts/{payout}/complete", """{ "reference": "TXN-12345", "notes": "Paid via bank transfer" }"""));
        var completed = (await Api.ExpectAsync(complete, 200))["data"]!;
        Assert.Equal("completed", completed["status"]!.GetValue<string>());
        Assert.Equal("TXN-12345", completed["reference"]!.GetValue<string>());
        var approved = (await Api.ExpectAsync(await t.Http.PostAsync($"/api//v1/payouts/requests/{request}/approve", null), 200))["data"]!;
        Assert.Equal("approved", approved["status"]!.GetValue<string>());
        Assert.NotNull(approved["payout_id"]);

        // Errors look the same there too.
        await ErrorAsync(await t.Http.GetAsync("/api//v1/payouts/987654"), 404, "NOT_FOUND");
        await ErrorAsync(await app.ClientWith(null).GetAsync("/api//v1/payouts/stats"), 401, "UNAUTHORIZED");
        await ErrorAsync(await t.Http.DeleteAsync($"/api//v1/payouts/{payout}"), 405, "METHOD_NOT_ALLOWED");
    }

    [Fact]
    public async Task A_post_that_needs_no_body_works_with_no_body_and_no_content_type()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        Assert.Equal(200, (int)(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { allow_early_requests = true, min_payout = 0 })).StatusCode);
        var (a1, p1) = await t.PendingPayoutAsync(10m);
        var (_, p2) = await t.PendingPayoutAsync(10m);
        var (_, p3) = await t.PendingPayoutAsync(10m);

        async Task<JsonNode> Bare(string url, bool emptyContent)
        {
            // No content at all, and an empty content with no Content-Type header.
            var request = new HttpRequestMessage(HttpMethod.Post, url);
            if (emptyContent)
            {
                request.Content = new ByteArrayContent([]);
                request.Content.Headers.ContentType = null;
            }
            var response = await t.Http.SendAsync(request);
            Assert.Null(request.Content?.Headers.ContentType);
            return (await Api.ExpectAsync(response, 200))["data"]!;
        }

        Assert.Equal("processing", (await Bare($"/v1/payouts/{p1}/processing", false))["status"]!.GetValue<string>());
        Assert.Equal("completed", (await Bare($"/v1/payouts/{p1}/complete", true))["status"]!.GetValue<string>());
        Assert.Equal("completed", (await Bare($"/v1/payouts/{p2}/complete", false))["status"]!.GetValue<string>());
        Assert.Equal("failed", (await Bare($"/v1/payouts/{p3}/fail", false))["status"]!.GetValue<string>());

        var r1 = await t.AffiliateAsync();
        await t.CommissionAsync(r1, 20m);
        var req1 = (await t.PostAsync("/v1/payouts/requests", new { affiliate_id = r1 }, 201))["data"]!["id"]!.GetValue<long>();
        Assert.Equal("approved", (await Bare($"/v1/payouts/requests/{req1}/approve", false))["status"]!.GetValue<string>());
        var r2 = await t.AffiliateAsync();
        await t.CommissionAsync(r2, 20m);
        var req2 = (await t.PostAsync("/v1/payouts/requests", new { affiliate_id = r2 }, 201))["data"]!["id"]!.GetValue<long>();
        Assert.Equal("rejected", (await Bare($"/v1/payouts/requests/{req2}/reject", true))["status"]!.GetValue<string>());

        var commission = await t.CommissionAsync(a1, 5m);
        Assert.Equal("void", (await Bare($"/v1/commissions/{commission}/void", false))["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_json_body_sent_with_another_content_type_is_answered_in_the_envelope_after_auth(string contentType)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (_, payout) = await t.PendingPayoutAsync(10m);

        // curl -d sends form encoding unless told otherwise: the checks still come in the contract's order...
        var anonymous = app.ClientWith(null);
        await ErrorAsync(await anonymous.SendAsync(Json("POST", $"/v1/payouts/{payout}/complete", """{"reference":"TXN-1"}""", contentType)), 401, "UNAUTHORIZED");
        var reader = app.ClientWith(await app.TokenAsync(t.ProgramId, "payouts:read"));
        await ErrorAsync(await reader.SendAsync(Json("POST", $"/v1/payouts/{payout}/complete", """{"reference":"TXN-1"}""", contentType)), 403, "FORBIDDEN");
        // ...and the answer is a JSON answer, never a bare status without a body.
        var response = await t.Http.SendAsync(Json("POST", $"/v1/payouts/{payout}/complete", """{"reference":"TXN-1"}""", contentType));
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonNode.Parse(text.Length == 0 ? "null" : text);
        Assert.True(body?["data"] is not null || body?["error"]?["code"] is not null, $"{(int)response.StatusCode}: '{text}'");
    }

    [Fact]
    public async Task Checks_come_in_the_order_401_403_404_422_409()
    {
        var app = shared.App;
        var a = await app.NewProgramAsync(name: "Alpha");
        var b = await app.NewProgramAsync(name: "Beta");
        var (_, bPayout) = await b.PendingPayoutAsync(10m);
        var (_, aPayout) = await a.PendingPayoutAsync(10m);
        await a.PostAsync($"/v1/payouts/{aPayout}/complete", new { reference = "TXN-1" });
        var longReference = new string('r', 300);
        var invalid = $$"""{"reference":"{{longReference}}"}""";

        // 401 before anything: no token, another program's payout, an invalid body.
        await ErrorAsync(await app.ClientWith(null).SendAsync(Json("POST", $"/v1/payouts/{bPayout}/complete", invalid)), 401, "UNAUTHORIZED");
        // 403 before 404 and 422: a read-only token.
        var reader = app.ClientWith(await app.TokenAsync(a.ProgramId, "payouts:read"));
        await ErrorAsync(await reader.SendAsync(Json("POST", $"/v1/payouts/{bPayout}/complete", invalid)), 403, "FORBIDDEN");
        await ErrorAsync(await reader.SendAsync(Json("POST", $"/v1/payouts/{bPayout}/complete", "{not json")), 403, "FORBIDDEN");
        // 404 before 422: another program's payout with an invalid, a malformed or an unknown-field body.
        await ErrorAsync(await a.Http.SendAsync(Json("POST", $"/v1/payouts/{bPayout}/complete", invalid)), 404, "NOT_FOUND");
        await ErrorAsync(await a.Http.SendAsync(Json("POST", $"/v1/payouts/{bPayout}/complete", "{not json")), 404, "NOT_FOUND");
        await ErrorAsync(await a.Http.SendAsync(Json("POST", $"/v1/payouts/{bPayout}/fail", """{"why":"x"}""")), 404, "NOT_FOUND");
        await ErrorAsync(await a.Http.SendAsync(Json("POST", $"/v1/payouts/{bPayout}/processing", """{"notes":5}""")), 404, "NOT_FOUND");
        await ErrorAsync(await a.Http.SendAsync(Json("POST", $"/v1/payouts/987654/complete", invalid)), 404, "NOT_FOUND");
        // 422 before 409: completing a completed payout with a reference that is too long.
        var tooLong = await ErrorAsync(await a.Http.SendAsync(Json("POST", $"/v1/payouts/{aPayout}/complete", invalid)), 422, "VALIDATION_ERROR");
        Assert.Contains("reference", tooLong["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()));
        await ErrorAsync(await a.Http.SendAsync(Json("POST", $"/v1/payouts/{aPayout}/processing", """{"notes":5}""")), 422, "VALIDATION_ERROR");
        await ErrorAsync(await a.Http.SendAsync(Json("POST", $"/v1/payouts/{aPayout}/fail", "{bad")), 422, "VALIDATION_ERROR");
        // 409 with a valid body.
        await ErrorAsync(await a.Http.SendAsync(Json("POST", $"/v1/payouts/{aPayout}/complete", """{"reference":"TXN-2"}""")), 409, "INVALID_STATUS");
        await ErrorAsync(await a.Http.SendAsync(Json("POST", $"/v1/payouts/{aPayout}/fail", null)), 409, "INVALID_STATUS");

        // The same order for requests and affiliates.
        Assert.Equal(200, (int)(await b.Http.PutAsJsonAsync("/v1/settings/payouts", new { allow_early_requests = true, min_payout = 0 })).StatusCode);
        var bAffiliate = await b.AffiliateAsync();
        await b.CommissionAsync(bAffiliate, 10m);
        var bRequest = (await b.PostAsync("/v1/payouts/requests", new { affiliate_id = bAffiliate }, 201))["data"]!["id"]!.GetValue<long>();
        await ErrorAsync(await a.Http.SendAsync(Json("POST", $"/v1/payouts/requests/{bRequest}/reject", $$"""{"reason":"{{new string('x', 2001)}}"}""")), 404, "NOT_FOUND");
        await ErrorAsync(await a.Http.SendAsync(Json("POST", $"/v1/payouts/requests/{bRequest}/reject", "{oops")), 404, "NOT_FOUND");
        await ErrorAsync(await a.Http.SendAsync(Json("PATCH", $"/v1/affiliates/{bAffiliate}", """{"nickname":"x"}""")), 404, "NOT_FOUND");
        await b.PostAsync($"/v1/payouts/requests/{bRequest}/approve");
        await ErrorAsync(await b.Http.SendAsync(Json("POST", $"/v1/payouts/requests/{bRequest}/reject", $$"""{"reason":"{{new string('x', 2001)}}"}""")), 422, "VALIDATION_ERROR");
        await ErrorAsync(await b.Http.SendAsync(Json("POST", $"/v1/payouts/requests/{bRequest}/reject", """{"reason":"late"}""")), 409, "INVALID_STATUS");
        Assert.Equal("approved", (await b.GetAsync($"/v1/payouts/requests/{bRequest}"))["data"]!["status"]!.GetValue<string>());

        // B's payout was never touched by any of it.
        Assert.Equal("pending", (await b.GetAsync($"/v1/payouts/{bPayout}"))["data"]!["status"]!.GetValue<string>());
    }

    [GeneratedRegex("^\"default\";r=(\\d+);t=(\\d+)$")]
    private static partial Regex RateLimitHeader();

    private static (int Remaining, int Reset) RateLimit(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("RateLimit", out var values), "No RateLimit header.");
        var m = RateLimitHeader().Match(Assert.Single(values!));
        Assert.True(m.Success, $"RateLimit header '{values!.First()}' is not \"default\";r=N;t=S.");
        return (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value));
    }

    private static string Policy(HttpResponseMessage response) =>
        response.Headers.TryGetValues("RateLimit-Policy", out var values) ? Assert.Single(values!) : "";

    [Fact]
    public async Task The_sixth_request_in_a_minute_is_429_with_headers_counting_down()
    {
        await using var app = await TestApp.StartAsync(a => a.Settings["Remit:RateLimit:PermitsPerMinute"] = "5");
        var t = await app.NewProgramAsync();

        // Every kind of answer counts and carries the headers: a 200, a 404, a 422.
        var urls = new[] { "/v1/payouts", "/v1/payouts/stats", "/v1/payouts/987", "/v1/payouts?per_page=0", "/v1/program" };
        for (var i = 0; i < 5; i++)
        {
            var response = await t.Http.GetAsync(urls[i]);
            Assert.NotEqual(429, (int)response.StatusCode);
            Assert.Equal("\"default\";q=5;w=60", Policy(response));
            var (remaining, reset) = RateLimit(response);
            Assert.Equal(4 - i, remaining);
            Assert.InRange(reset, 1, 60);
            app.Clock.Advance(TimeSpan.FromSeconds(5));
        }

        var limited = await t.Http.GetAsync("/v1/payouts");
        await ErrorAsync(limited, 429, "RATE_LIMITED");
        Assert.Equal("\"default\";q=5;w=60", Policy(limited));
        Assert.Equal(0, RateLimit(limited).Remaining);
        // 25 s of the window have gone: it resets in 35 s, and Retry-After says so.
        Assert.Equal(35, RateLimit(limited).Reset);
        Assert.Equal(TimeSpan.FromSeconds(35), limited.Headers.RetryAfter?.Delta);

        // Writes are limited too.
        await ErrorAsync(await t.Http.PostAsync("/v1/payouts/1/processing", null), 429, "RATE_LIMITED");

        // Another token has its own budget, even in the same program.
        var second = app.ClientWith(await app.TokenAsync(t.ProgramId, "payouts:read"));
        var other = await second.GetAsync("/v1/payouts");
        Assert.Equal(200, (int)other.StatusCode);
        Assert.Equal(4, RateLimit(other).Remaining);

        // After the window, the first token works again with a fresh budget.
        app.Clock.Advance(TimeSpan.FromSeconds(61));
        var again = await t.Http.GetAsync("/v1/payouts");
        Assert.Equal(200, (int)again.StatusCode);
        Assert.Equal(4, RateLimit(again).Remaining);
        Assert.Equal(60, RateLimit(again).Reset);
    }

    [Fact]
    public async Task Requests_without_a_valid_token_share_the_anonymous_budget()
    {
        await using var app = await TestApp.StartAsync(a =>
        {
            a.Settings["Remit:RateLimit:PermitsPerMinute"] = "5";
            a.Settings["Remit:RateLimit:AnonymousPermitsPerMinute"] = "3";
        });
        var t = await app.NewProgramAsync();
        var anonymous = app.ClientWith(null);
        var bogus = app.ClientWith("rmt_this-token-does-not-exist");

        for (var i = 0; i < 3; i++)
        {
            var response = await (i == 1 ? bogus : anonymous).GetAsync("/v1/payouts");
            await ErrorAsync(response, 401, "UNAUTHORIZED");
            Assert.Matches("^\"[a-z]+\";q=3;w=60$", Policy(response));
            Assert.True(response.Headers.TryGetValues("RateLimit", out var values));
            Assert.Matches($"^\"[a-z]+\";r={2 - i};t=\\d+$", Assert.Single(values!));
        }
        var limited = await bogus.GetAsync("/v1/payouts");
        await ErrorAsync(limited, 429, "RATE_LIMITED");
        Assert.NotNull(limited.Headers.RetryAfter?.Delta);
        await ErrorAsync(await anonymous.GetAsync("/v1/program"), 429, "RATE_LIMITED");

        // A valid token is not held back by the anonymous budget.
        var ok = await t.Http.GetAsync("/v1/payouts");
        Assert.Equal(200, (int)ok.StatusCode);
        Assert.Equal("\"default\";q=5;w=60", Policy(ok));

        app.Clock.Advance(TimeSpan.FromSeconds(61));
        await ErrorAsync(await anonymous.GetAsync("/v1/payouts"), 401, "UNAUTHORIZED");
    }

    /// <summary>Everything the program's token can list, to show a refused request changed nothing.</summary>
    private static async Task<string> SnapshotAsync(Tenant t, Rows rows)
    {
        var parts = new List<string>();
        foreach (var url in new[] { "/v1/payouts?per_page=100&sort=id", $"/v1/payouts/{rows.Payout}", "/v1/payouts/requests?per_page=100", "/v1/affiliates?per_page=100", "/v1/commissions?per_page=100", "/v1/settings/payouts" })
            parts.Add((await t.GetAsync(url))["data"]!.ToJsonString());
        return string.Join("\n", parts);
    }

    /// <summary>A stream that will not tell its length, so the client sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
