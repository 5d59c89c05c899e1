using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Remit.Tests.Affiliates;

using Remit.Tests.Infrastructure;

/// <summary>
/// The affiliates API. One host for the class, a program per test; no test here moves the clock, so a new
/// affiliate's created_at is still the start time.
/// </summary>
public sealed class AffiliatesTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private const string Url = "/v1/affiliates";

    private static Task<HttpResponseMessage> CreateAsync(Tenant t, string json) =>
        t.Http.PostAsync(Url, new StringContent(json, Encoding.UTF8, "application/json"));

    private static Task<HttpResponseMessage> PatchAsync(Tenant t, long id, string json) =>
        t.Http.PatchAsync($"{Url}/{id}", new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonNode> InvalidAsync(HttpResponseMessage response, string field)
    {
        var error = await Api.ErrorAsync(response, 422, "VALIDATION_ERROR");
        Assert.Contains(field, error["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()));
        return error;
    }

    [Fact]
    public async Task Create_answers_201_with_the_affiliate_and_zero_balances()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        var response = await CreateAsync(t, """
            {"name": "Grace Hopper", "email": "grace@example.com", "country": "US", "payout_method": "paypal", "paypal_email": "pay.grace@example.com"}
            """);
        var data = (await Api.ExpectAsync(response, 201))["data"]!;

        var id = data["id"]!.GetValue<long>();
        Assert.True(id > 0);
        Assert.Equal("Grace Hopper", data["name"]!.GetValue<string>());
        Assert.Equal("grace@example.com", data["email"]!.GetValue<string>());
        Assert.Equal("US", data["country"]!.GetValue<string>());
        Assert.Equal("active", data["status"]!.GetValue<string>());
        Assert.Equal("paypal", data["payout_method"]!.GetValue<string>());
        Assert.Equal("pay.grace@example.com", data["paypal_email"]!.GetValue<string>());
        Assert.Equal("0.00", Api.Raw(data["balance"]));
        Assert.Equal("0.00", Api.Raw(data["pending_balance"]));
        Assert.Equal("2026-03-15T12:00:00Z", data["created_at"]!.GetValue<string>());
        Assert.EndsWith($"{Url}/{id}", response.Headers.Location!.ToString());
        Assert.Equal(data.ToJsonString(), (await t.GetAsync($"{Url}/{id}"))["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Create_without_a_payout_method_or_country_is_allowed()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        var data = (await Api.ExpectAsync(await CreateAsync(t, """{"name": "Bare", "email": "bare@example.com"}"""), 201))["data"]!;

        Assert.Null(data["payout_method"]);
        Assert.Null(data["country"]);
    }

    [Theory]
    [InlineData("""{"email": "a@example.com", "country": "US"}""", "name")]
    [InlineData("""{"name": "   ", "email": "a@example.com"}""", "name")]
    [InlineData("""{"name": "A", "country": "US"}""", "email")]
    [InlineData("""{"name": "A", "email": "not-an-email"}""", "email")]
    [InlineData("""{"name": "A", "email": "a@b@example.com"}""", "email")]
    [InlineData("""{"name": "A", "email": "a@example.com", "country": "ZZ"}""", "country")]
    [InlineData("""{"name": "A", "email": "a@example.com", "country": "USA"}""", "country")]
    [InlineData("""{"name": "A", "email": "a@example.com", "country": "1A"}""", "country")]
    [InlineData("""{"name": "A", "email": "a@example.com", "payout_method": "cheque"}""", "payout_method")]
    [InlineData("""{"name": "A", "email": "a@example.com", "payout_method": "paypal"}""", "paypal_email")]
    [InlineData("""{"name": "A", "email": "a@example.com", "payout_method": "paypal", "paypal_email": "nope"}""", "paypal_email")]
    [InlineData("""{"name": "A", "email": "a@example.com", "status": "disabled"}""", "status")]
    [InlineData("""{"name": "A", "email": "a@example.com", "nickname": "x"}""", "nickname")]
    [InlineData("""{"name": 5, "email": "a@example.com"}""", "name")]
    public async Task Invalid_affiliates_are_422_naming_the_field(string body, string field)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        await InvalidAsync(await CreateAsync(t, body), field);

        Assert.Equal(0, (await t.GetAsync(Url))["meta"]!["total"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("basic", "crypto")]
    [InlineData("standard", "crypto")]
    [InlineData("nano", "bank")]
    [InlineData("nano", "crypto")]
    public async Task A_method_the_plan_lacks_is_422_naming_the_plan(string plan, string method)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync(plan: plan);

        var error = await InvalidAsync(await CreateAsync(t, $$"""{"name": "A", "email": "a@example.com", "payout_method": "{{method}}"}"""), "payout_method");

        Assert.Contains(plan, error["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, (await t.GetAsync(Url))["meta"]!["total"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("custom", "crypto")]
    [InlineData("basic", "bank")]
    [InlineData("nano", "paypal")]
    public async Task A_method_the_plan_has_is_accepted(string plan, string method)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync(plan: plan);
        var paypal = method == "paypal" ? ", \"paypal_email\": \"a@example.com\"" : "";

        var data = (await Api.ExpectAsync(await CreateAsync(t, $$"""{"name": "A", "email": "a@example.com", "payout_method": "{{method}}"{{paypal}}}"""), 201))["data"]!;

        Assert.Equal(method, data["payout_method"]!.GetValue<string>());
    }

    [Fact]
    public async Task Patch_changes_only_the_given_fields()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var id = await t.AffiliateAsync("Ada Lovelace", "ada@example.com");

        var data = (await Api.ExpectAsync(await PatchAsync(t, id, """{"name": "Ada King"}"""), 200))["data"]!;

        Assert.Equal("Ada King", data["name"]!.GetValue<string>());
        Assert.Equal("ada@example.com", data["email"]!.GetValue<string>());
        Assert.Equal("US", data["country"]!.GetValue<string>());
        Assert.Equal("paypal", data["payout_method"]!.GetValue<string>());
        Assert.Equal("ada@example.com", data["paypal_email"]!.GetValue<string>());

        data = (await Api.ExpectAsync(await PatchAsync(t, id, """{"country": "GB", "paypal_email": "king@example.com", "status": "disabled"}"""), 200))["data"]!;
        Assert.Equal("GB", data["country"]!.GetValue<string>());
        Assert.Equal("king@example.com", data["paypal_email"]!.GetValue<string>());
        Assert.Equal("disabled", data["status"]!.GetValue<string>());
        Assert.Equal("Ada King", data["name"]!.GetValue<string>());
        Assert.Equal(data.ToJsonString(), (await t.GetAsync($"{Url}/{id}"))["data"]!.ToJsonString());

        data = (await Api.ExpectAsync(await PatchAsync(t, id, """{"status": "active"}"""), 200))["data"]!;
        Assert.Equal("active", data["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Invalid_patch_is_422_and_changes_nothing()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var id = await t.AffiliateAsync("Ada Lovelace", "ada@example.com");
        var before = (await t.GetAsync($"{Url}/{id}"))["data"]!.ToJsonString();

        await InvalidAsync(await PatchAsync(t, id, """{"name": "New", "status": "banned"}"""), "status");
        await InvalidAsync(await PatchAsync(t, id, """{"name": "New", "email": "bad"}"""), "email");
        await InvalidAsync(await PatchAsync(t, id, """{"name": "New", "payout_method": "crypto"}"""), "payout_method");
        await InvalidAsync(await PatchAsync(t, id, """{"name": "New", "country": "XQ"}"""), "country");
        await InvalidAsync(await PatchAsync(t, id, $$"""{"name": "{{new string('n', 201)}}", "email": "x@example.com"}"""), "name");

        Assert.Equal(before, (await t.GetAsync($"{Url}/{id}"))["data"]!.ToJsonString());
        await Api.ErrorAsync(await PatchAsync(t, id + 1000, """{"name": "x"}"""), 404, "NOT_FOUND");
    }

    [Fact]
    public async Task Switching_to_bank_drops_the_paypal_email()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync(plan: "basic");
        var id = await t.AffiliateAsync("Ada", "ada@example.com");

        var data = (await Api.ExpectAsync(await PatchAsync(t, id, """{"payout_method": "bank"}"""), 200))["data"]!;

        Assert.Equal("bank", data["payout_method"]!.GetValue<string>());
        Assert.Null(data["paypal_email"]);
    }

    [Fact]
    public async Task List_pages_and_filters_by_q_and_status()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var other = await app.NewProgramAsync(name: "Other");
        await other.AffiliateAsync("Zed Outsider", "zed@example.com");
        var b = await t.AffiliateAsync("Bob Builder", "bob@builders.example.com");
        var a = await t.AffiliateAsync("Alice Smith", "alice@example.com");
        var c = await t.AffiliateAsync("Carol Smithers", "carol@example.com");
        await Api.ExpectAsync(await PatchAsync(t, c, """{"status": "disabled"}"""), 200);

        var all = await t.GetAsync(Url);
        Assert.Equal([a, b, c], all["data"]!.AsArray().Select(x => x!["id"]!.GetValue<long>()));
        Assert.Equal(3, all["meta"]!["total"]!.GetValue<long>());

        var smith = await t.GetAsync($"{Url}?q=SMITH");
        Assert.Equal([a, c], smith["data"]!.AsArray().Select(x => x!["id"]!.GetValue<long>()));
        var byEmail = await t.GetAsync($"{Url}?q=Builders.Example");
        Assert.Equal([b], byEmail["data"]!.AsArray().Select(x => x!["id"]!.GetValue<long>()));
        var disabled = await t.GetAsync($"{Url}?status=disabled");
        Assert.Equal([c], disabled["data"]!.AsArray().Select(x => x!["id"]!.GetValue<long>()));
        var active = await t.GetAsync($"{Url}?status=active&q=smith");
        Assert.Equal([a], active["data"]!.AsArray().Select(x => x!["id"]!.GetValue<long>()));
        var percent = await t.GetAsync($"{Url}?q=%25");
        Assert.Empty(percent["data"]!.AsArray());

        var page = await t.GetAsync($"{Url}?per_page=2&page=2");
        Assert.Equal([c], page["data"]!.AsArray().Select(x => x!["id"]!.GetValue<long>()));
        Assert.Equal(2, page["meta"]!["total_pages"]!.GetValue<long>());
        await Api.ErrorAsync(await t.Http.GetAsync($"{Url}?status=gone"), 422, "VALIDATION_ERROR");
        await Api.ErrorAsync(await t.Http.GetAsync($"{Url}?page=0"), 422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task Another_programs_affiliate_is_404()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var other = await app.NewProgramAsync(name: "Other");
        var theirs = await other.AffiliateAsync();

        await Api.ErrorAsync(await t.Http.GetAsync($"{Url}/{theirs}"), 404, "NOT_FOUND");
        await Api.ErrorAsync(await PatchAsync(t, theirs, """{"name": "Mine now"}"""), 404, "NOT_FOUND");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/commissions", new { affiliate_id = theirs, amount = 10 }), 404, "NOT_FOUND");
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payouts", new { affiliate_id = theirs }), 404, "NOT_FOUND");
        await Api.ErrorAsync(await t.Http.GetAsync($"{Url}/abc"), 404, "NOT_FOUND");
        Assert.NotEqual("Mine now", (await other.GetAsync($"{Url}/{theirs}"))["data"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Balance_is_payable_and_pending_balance_is_on_hold()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/payouts", new { hold_days = 7 }), 200);
        var id = await t.AffiliateAsync();
        var other = await t.AffiliateAsync("Someone Else");
        var now = app.Clock.GetUtcNow().UtcDateTime;
        await t.CommissionAsync(id, 40m, earnedAt: now.AddDays(-10));
        await t.CommissionAsync(id, 0.05m, earnedAt: now.AddDays(-7));
        await t.CommissionAsync(id, 15.5m, earnedAt: now.AddDays(-1));
        await t.CommissionAsync(id, 4.5m);
        var voided = await t.CommissionAsync(id, 1000m, earnedAt: now.AddDays(-10));
        await t.PostAsync($"/v1/commissions/{voided}/void");
        await t.CommissionAsync(other, 999m, earnedAt: now.AddDays(-10));

        var data = (await t.GetAsync($"{Url}/{id}"))["data"]!;
        Assert.Equal("40.05", Api.Raw(data["balance"]));
        Assert.Equal("20.00", Api.Raw(data["pending_balance"]));
        var listed = (await t.GetAsync(Url))["data"]!.AsArray().Single(x => x!["id"]!.GetValue<long>() == id)!;
        Assert.Equal("40.05", Api.Raw(listed["balance"]));
        Assert.Equal("20.00", Api.Raw(listed["pending_balance"]));

        // A payout takes the payable part only; what is on hold stays pending.
        var payout = await t.PayoutAsync(id);
        Assert.Equal("40.05", Api.Raw((await t.GetAsync($"/v1/payouts/{payout}"))["data"]!["amount"]));
        data = (await t.GetAsync($"{Url}/{id}"))["data"]!;
        Assert.Equal("0.00", Api.Raw(data["balance"]));
        Assert.Equal("20.00", Api.Raw(data["pending_balance"]));

        // A failed payout gives its money back to the balance.
        await t.PostAsync($"/v1/payouts/{payout}/fail", new { reason = "Account closed" });
        Assert.Equal("40.05", Api.Raw((await t.GetAsync($"{Url}/{id}"))["data"]!["balance"]));
    }
}
