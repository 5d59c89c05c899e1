using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Remit.Tests.Commissions;

using Remit.Tests.Infrastructure;

/// <summary>
/// The commissions API. One host for the class, a program per test; the tests that assert times written out against
/// the start of the clock keep a host of their own.
/// </summary>
public sealed class CommissionsTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private const string Url = "/v1/commissions";

    private static Task<HttpResponseMessage> CreateAsync(Tenant t, string json) =>
        t.Http.PostAsync(Url, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<string> StatusAsync(Tenant t, long id) =>
        (await t.GetAsync($"{Url}/{id}"))["data"]!["status"]!.GetValue<string>();

    private static async Task<List<long>> IdsAsync(Tenant t, string query) =>
        (await t.GetAsync($"{Url}?{query}&per_page=100"))["data"]!.AsArray().Select(c => c!["id"]!.GetValue<long>()).Order().ToList();

    [Fact]
    public async Task Create_answers_201_earned_now_by_default()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();

        var response = await CreateAsync(t, $$"""{"affiliate_id": {{affiliate}}, "amount": 12.3, "description": "Order 1001", "reference": "ORD-1001"}""");
        var data = (await Api.ExpectAsync(response, 201))["data"]!;

        var id = data["id"]!.GetValue<long>();
        Assert.Equal(affiliate, data["affiliate_id"]!.GetValue<long>());
        Assert.Equal("12.30", Api.Raw(data["amount"]));
        Assert.Equal("USD", data["currency"]!.GetValue<string>());
        Assert.Equal("Order 1001", data["description"]!.GetValue<string>());
        Assert.Equal("ORD-1001", data["reference"]!.GetValue<string>());
        Assert.Equal("sale", data["kind"]!.GetValue<string>());
        Assert.Equal("approved", data["status"]!.GetValue<string>());
        Assert.Equal("2026-03-15T12:00:00Z", data["earned_at"]!.GetValue<string>());
        Assert.Null(data["payout_id"]);
        Assert.Null(data["voided_at"]);
        Assert.EndsWith($"{Url}/{id}", response.Headers.Location!.ToString());
        Assert.Equal(data.ToJsonString(), (await t.GetAsync($"{Url}/{id}"))["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Earned_at_in_the_past_is_kept_and_in_the_future_is_422()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();

        var past = (await Api.ExpectAsync(await CreateAsync(t, $$"""{"affiliate_id": {{affiliate}}, "amount": 5, "earned_at": "2026-01-02T03:04:05Z"}"""), 201))["data"]!;
        Assert.Equal("2026-01-02T03:04:05Z", past["earned_at"]!.GetValue<string>());
        var offset = (await Api.ExpectAsync(await CreateAsync(t, $$"""{"affiliate_id": {{affiliate}}, "amount": 5, "earned_at": "2026-03-15T13:30:00+02:00"}"""), 201))["data"]!;
        Assert.Equal("2026-03-15T11:30:00Z", offset["earned_at"]!.GetValue<string>());

        var error = await Api.ErrorAsync(await CreateAsync(t, $$"""{"affiliate_id": {{affiliate}}, "amount": 5, "earned_at": "2026-03-15T12:01:00Z"}"""), 422, "VALIDATION_ERROR");
        Assert.Equal("earned_at", error["details"]![0]!["field"]!.GetValue<string>());
        await Api.ErrorAsync(await CreateAsync(t, $$"""{"affiliate_id": {{affiliate}}, "amount": 5, "earned_at": "2027-01-01T00:00:00Z"}"""), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await CreateAsync(t, $$"""{"affiliate_id": {{affiliate}}, "amount": 5, "earned_at": "yesterday"}"""), 422, "VALIDATION_ERROR");
        Assert.Equal(2, (await t.GetAsync(Url))["meta"]!["total"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("\"yesterday\"")]
    [InlineData("\"2026-13-45T00:00:00Z\"")]
    [InlineData("\"\"")]
    [InlineData("5")]
    [InlineData("true")]
    public async Task A_malformed_earned_at_is_422_naming_it(string earnedAt)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();

        var error = await Api.ErrorAsync(await CreateAsync(t, $$"""{"affiliate_id": {{affiliate}}, "amount": 5, "earned_at": {{earnedAt}}}"""), 422, "VALIDATION_ERROR");

        Assert.Equal("earned_at", error["details"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(0, (await t.GetAsync(Url))["meta"]!["total"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("10.005", "amount")]
    [InlineData("0.001", "amount")]
    [InlineData("0", "amount")]
    [InlineData("0.00", "amount")]
    [InlineData("-5", "amount")]
    [InlineData("-0.01", "amount")]
    [InlineData("null", "amount")]
    [InlineData("\"10\"", "amount")]
    [InlineData("79228162514264337593543950335", "amount")]
    [InlineData("1000000000000000000000000000", "amount")]
    [InlineData("92233720368547758.08", "amount")]
    public async Task Invalid_amounts_are_422(string amount, string field)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();

        var error = await Api.ErrorAsync(await CreateAsync(t, $$"""{"affiliate_id": {{affiliate}}, "amount": {{amount}}}"""), 422, "VALIDATION_ERROR");

        Assert.Contains(field, error["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()));
        Assert.Equal(0, (await t.GetAsync(Url))["meta"]!["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Missing_affiliate_is_422_and_an_unknown_one_404()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        var error = await Api.ErrorAsync(await CreateAsync(t, """{"amount": 10}"""), 422, "VALIDATION_ERROR");
        Assert.Contains("affiliate_id", error["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()));
        await Api.ErrorAsync(await CreateAsync(t, """{"affiliate_id": 987654, "amount": 10}"""), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task A_disabled_affiliate_gets_no_new_commissions()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        await Api.ExpectAsync(await t.Http.PatchAsJsonAsync($"/v1/affiliates/{affiliate}", new { status = "disabled" }), 200);

        await Api.ErrorAsync(await CreateAsync(t, $$"""{"affiliate_id": {{affiliate}}, "amount": 10}"""), 422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task A_reused_reference_is_409_naming_the_existing_commission()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var a1 = await t.AffiliateAsync();
        var a2 = await t.AffiliateAsync();
        var first = await t.CommissionAsync(a1, 10m, reference: "ORD-77");

        var error = await Api.ErrorAsync(await CreateAsync(t, $$"""{"affiliate_id": {{a2}}, "amount": 20, "reference": "ORD-77"}"""), 409, "DUPLICATE_REFERENCE");

        Assert.Contains(first.ToString(), error["message"]!.GetValue<string>());
        Assert.Equal(1, (await t.GetAsync(Url))["meta"]!["total"]!.GetValue<long>());
        // The same reference in another program is that program's own business.
        var other = await app.NewProgramAsync(name: "Other");
        await other.CommissionAsync(await other.AffiliateAsync(), 10m, reference: "ORD-77");
        // No reference at all is never a duplicate.
        await t.CommissionAsync(a1, 1m);
        await t.CommissionAsync(a1, 1m);
    }

    [Fact]
    public async Task Concurrent_creates_with_one_reference_make_one_commission()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            CreateAsync(t, $$"""{"affiliate_id": {{affiliate}}, "amount": 10, "reference": "RACE-1"}""")));

        Assert.Equal(1, responses.Count(r => (int)r.StatusCode == 201));
        foreach (var r in responses.Where(r => (int)r.StatusCode != 201)) await Api.ErrorAsync(r, 409, "DUPLICATE_REFERENCE");
        Assert.Equal("10.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
    }

    [Fact]
    public async Task Status_is_derived_and_filterable()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { hold_days = 3 }), 200);
        var old = app.Clock.GetUtcNow().UtcDateTime.AddDays(-10);
        var a = await t.AffiliateAsync("A");
        var b = await t.AffiliateAsync("B");
        var c = await t.AffiliateAsync("C");
        var approved = await t.CommissionAsync(a, 10m, earnedAt: old);
        var voided = await t.CommissionAsync(a, 11m, earnedAt: old);
        await t.PostAsync($"{Url}/{voided}/void");
        var pending = await t.CommissionAsync(a, 12m, earnedAt: app.Clock.GetUtcNow().UtcDateTime.AddDays(-1));
        var inPayout = await t.CommissionAsync(b, 13m, earnedAt: old);
        var inProcessing = await t.CommissionAsync(c, 14m, earnedAt: old);
        var processingPayout = await t.PayoutAsync(c);
        await t.PostAsync($"/v1/payouts/{processingPayout}/processing");
        var bPayout = await t.PayoutAsync(b);
        var d = await t.AffiliateAsync("D");
        var paid = await t.CommissionAsync(d, 15m, earnedAt: old);
        await t.PostAsync($"/v1/payouts/{await t.PayoutAsync(d)}/complete", new { reference = "TXN-1" });

        Assert.Equal("approved", await StatusAsync(t, approved));
        Assert.Equal("void", await StatusAsync(t, voided));
        Assert.Equal("pending", await StatusAsync(t, pending));
        Assert.Equal("in_payout", await StatusAsync(t, inPayout));
        Assert.Equal("in_payout", await StatusAsync(t, inProcessing));
        Assert.Equal("paid", await StatusAsync(t, paid));
        Assert.Equal(bPayout, (await t.GetAsync($"{Url}/{inPayout}"))["data"]!["payout_id"]!.GetValue<long>());

        Assert.Equal([approved], await IdsAsync(t, "status=approved"));
        Assert.Equal([voided], await IdsAsync(t, "status=void"));
        Assert.Equal([pending], await IdsAsync(t, "status=pending"));
        Assert.Equal([inPayout, inProcessing], await IdsAsync(t, "status=in_payout"));
        Assert.Equal([paid], await IdsAsync(t, "status=paid"));
        Assert.Equal([approved, voided, pending], await IdsAsync(t, $"affiliate_id={a}"));
        Assert.Equal([approved], await IdsAsync(t, $"affiliate_id={a}&status=approved"));
        Assert.Empty(await IdsAsync(t, $"affiliate_id={b}&status=approved"));
        var all = await t.GetAsync(Url);
        Assert.Equal(6, all["meta"]!["total"]!.GetValue<long>());
        Assert.All(all["data"]!.AsArray(), x => Assert.Equal(x!["status"]!.GetValue<string>(),
            x["id"]!.GetValue<long>() switch
            {
                var i when i == approved => "approved",
                var i when i == voided => "void",
                var i when i == pending => "pending",
                var i when i == paid => "paid",
                _ => "in_payout",
            }));

        await Api.ErrorAsync(await t.Http.GetAsync($"{Url}?status=payable"), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.GetAsync($"{Url}?affiliate_id=x"), 422, "VALIDATION_ERROR");
        var other = await app.NewProgramAsync(name: "Other");
        await Api.ErrorAsync(await other.Http.GetAsync($"{Url}?affiliate_id={a}"), 404, "NOT_FOUND");
        await Api.ErrorAsync(await other.Http.GetAsync($"{Url}/{approved}"), 404, "NOT_FOUND");
        Assert.Equal(0, (await other.GetAsync(Url))["meta"]!["total"]!.GetValue<long>());

        // When the payout completes, its commissions are paid; when a payout fails, they are approved again.
        await t.PostAsync($"/v1/payouts/{processingPayout}/fail");
        Assert.Equal("approved", await StatusAsync(t, inProcessing));
        Assert.Equal([approved, inProcessing], await IdsAsync(t, "status=approved"));
    }

    [Fact]
    public async Task Void_answers_200_and_only_once()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var id = await t.CommissionAsync(affiliate, 30m);
        await t.CommissionAsync(affiliate, 20m);
        app.Clock.Advance(TimeSpan.FromMinutes(10));

        var data = (await Api.ExpectAsync(await t.Http.PostAsync($"{Url}/{id}/void", null), 200))["data"]!;

        Assert.Equal("void", data["status"]!.GetValue<string>());
        Assert.Equal("2026-03-15T12:10:00Z", data["voided_at"]!.GetValue<string>());
        Assert.Equal("20.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
        await Api.ErrorAsync(await t.Http.PostAsync($"{Url}/{id}/void", null), 409, "INVALID_STATUS");
        Assert.Equal("2026-03-15T12:10:00Z", (await t.GetAsync($"{Url}/{id}"))["data"]!["voided_at"]!.GetValue<string>());
        await Api.ErrorAsync(await t.Http.PostAsync($"{Url}/{id + 1000}/void", null), 404, "NOT_FOUND");

        // A voided commission never goes into a payout.
        var payout = await t.PayoutAsync(affiliate);
        Assert.Equal("20.00", Api.Raw((await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["amount"]));
    }

    [Fact]
    public async Task Void_of_a_commission_in_a_payout_is_409()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var id = await t.CommissionAsync(affiliate, 30m);
        var payout = await t.PayoutAsync(affiliate);

        await Api.ErrorAsync(await t.Http.PostAsync($"{Url}/{id}/void", null), 409, "INVALID_STATUS");
        Assert.Equal("in_payout", await StatusAsync(t, id));
        Assert.Equal("30.00", Api.Raw((await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["amount"]));

        await t.PostAsync($"/v1/payouts/{payout}/complete");
        await Api.ErrorAsync(await t.Http.PostAsync($"{Url}/{id}/void", null), 409, "INVALID_STATUS");
        Assert.Equal("paid", await StatusAsync(t, id));
    }

    [Fact]
    public async Task After_a_payout_fails_its_commissions_go_into_the_next_payout()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (affiliate, first) = await t.PendingPayoutAsync(100m, 50m);
        var ids = await IdsAsync(t, $"affiliate_id={affiliate}");
        Assert.Equal("150.00", Api.Raw((await t.GetAsync($"/v1/payouts/{first}"))["data"]!["amount"]));
        await t.PostAsync($"/v1/payouts/{first}/processing");

        var failed = (await t.PostAsync($"/v1/payouts/{first}/fail", new { reason = "Bank rejected" }))["data"]!;
        Assert.Equal("failed", failed["status"]!.GetValue<string>());

        foreach (var id in ids)
        {
            var c = (await t.GetAsync($"{Url}/{id}"))["data"]!;
            Assert.Equal("approved", c["status"]!.GetValue<string>());
            Assert.Null(c["payout_id"]);
        }
        Assert.Equal("150.00", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
        var extra = await t.CommissionAsync(affiliate, 0.99m);

        var second = await t.PayoutAsync(affiliate);

        var next = (await t.GetAsync($"/v1/payouts/{second}"))["data"]!;
        Assert.Equal("150.99", Api.Raw(next["amount"]));
        Assert.Equal("pending", next["status"]!.GetValue<string>());
        Assert.Equal("manual", next["source"]!.GetValue<string>());
        Assert.Equal(3, next["commissions_count"]!.GetValue<int>());
        foreach (var id in ids.Append(extra))
            Assert.Equal(second, (await t.GetAsync($"{Url}/{id}"))["data"]!["payout_id"]!.GetValue<long>());
        // The failed payout stays as history, with its amount and reason.
        var history = (await t.GetAsync($"/v1/payouts/{first}"))["data"]!;
        Assert.Equal("failed", history["status"]!.GetValue<string>());
        Assert.Equal("150.00", Api.Raw(history["amount"]));
        Assert.Equal("Bank rejected", history["failure_reason"]!.GetValue<string>());
        Assert.Equal(2, history["commissions_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_manual_payout_with_nothing_payable_is_422_and_makes_no_payout()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var empty = await t.AffiliateAsync();
        var voidedOnly = await t.AffiliateAsync();
        await t.PostAsync($"{Url}/{await t.CommissionAsync(voidedOnly, 10m)}/void");
        var alreadyPaidOut = await t.AffiliateAsync();
        await t.CommissionAsync(alreadyPaidOut, 10m);
        await t.PayoutAsync(alreadyPaidOut);

        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payouts", new { affiliate_id = empty }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payouts", new { affiliate_id = voidedOnly }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payouts", new { affiliate_id = alreadyPaidOut }), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payouts", new { }), 422, "VALIDATION_ERROR");

        var payouts = await t.GetAsync("/v1/payouts");
        Assert.Equal(1, payouts["meta"]!["total"]!.GetValue<long>());
        Assert.Equal(alreadyPaidOut, payouts["data"]![0]!["affiliate_id"]!.GetValue<long>());

        // On hold only: also nothing payable.
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { hold_days = 2 }), 200);
        await t.CommissionAsync(empty, 25m);
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payouts", new { affiliate_id = empty }), 422, "VALIDATION_ERROR");
        Assert.Equal(1, (await t.GetAsync("/v1/payouts"))["meta"]!["total"]!.GetValue<long>());
        Assert.Equal("pending", (await t.GetAsync($"{Url}?affiliate_id={empty}"))["data"]![0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_manual_payout_may_be_below_the_minimum()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var (_, payout) = await t.PendingPayoutAsync(0.01m);

        var data = (await t.GetAsync($"/v1/payouts/{payout}"))["data"]!;
        Assert.Equal("0.01", Api.Raw(data["amount"]));
        Assert.Equal("manual", data["source"]!.GetValue<string>());
    }
}
