using System.Text;
using Remit.Demo;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payouts;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>The seed document's four curl examples, sent as written (/api//v1/...) to the demo program.</summary>
public sealed class SeedExampleTests
{
    private static async Task<(TestApp App, HttpClient Http)> DemoAsync()
    {
        var app = await TestApp.StartAsync();
        await using var db = app.Db();
        var demo = TestLog.Demo(await DemoSeed.SeedIfEmptyAsync(db, app.Secrets, app.Clock.GetUtcNow().UtcDateTime));
        return (app, app.ClientWith(demo!.Token));
    }

    [Fact]
    public async Task Get_payout_stats_answers_the_documented_numbers()
    {
        var (app, http) = await DemoAsync();
        await using var _ = app;
        var response = await http.GetAsync("/api//v1/payouts/stats");
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.StartsWith("{\"data\":{\"total_pending_amount\":1250.00,\"total_pending_count\":5,\"completed_this_month\":3400.00,\"failed_count\":1,\"pending_requests_count\":2", text);
    }

    [Fact]
    public async Task Mark_payout_42_as_completed()
    {
        var (app, http) = await DemoAsync();
        await using var _ = app;
        var response = await http.PostAsync("/api//v1/payouts/42/complete",
            new StringContent("{ \"reference\": \"TXN-12345\", \"notes\": \"Paid via bank transfer\" }", Encoding.UTF8, "application/json"));
        var data = (await Api.ExpectAsync(response, 200))["data"]!;
        Assert.Equal(42, data["id"]!.GetValue<long>());
        Assert.Equal("completed", data["status"]!.GetValue<string>());
        Assert.Equal("TXN-12345", data["reference"]!.GetValue<string>());
        Assert.Equal("Paid via bank transfer", data["notes"]!.GetValue<string>());

        var stats = (await Api.GetAsync(http, "/api//v1/payouts/stats"))["data"]!;
        Assert.Equal("850.00", Api.Raw(stats["total_pending_amount"]));
        Assert.Equal(4, stats["total_pending_count"]!.GetValue<int>());
        Assert.Equal("3800.00", Api.Raw(stats["completed_this_month"]));
    }

    [Fact]
    public async Task Approve_request_10_with_no_body_and_no_content_type()
    {
        var (app, http) = await DemoAsync();
        await using var _ = app;
        var data = (await Api.ExpectAsync(await http.PostAsync("/api//v1/payouts/requests/10/approve", null), 200))["data"]!;
        Assert.Equal("approved", data["status"]!.GetValue<string>());
        var payoutId = data["payout_id"]!.GetValue<long>();
        var payout = (await Api.GetAsync(http, $"/api//v1/payouts/{payoutId}"))["data"]!;
        Assert.Equal("pending", payout["status"]!.GetValue<string>());
        Assert.Equal("request", payout["source"]!.GetValue<string>());
        Assert.Equal(10, payout["request_id"]!.GetValue<long>());
        Assert.Equal(Api.Raw(data["amount"]), Api.Raw(payout["amount"]));
        Assert.Equal(1, (await Api.GetAsync(http, "/api//v1/payouts/stats"))["data"]!["pending_requests_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Update_payout_settings_with_the_documented_body()
    {
        var (app, http) = await DemoAsync();
        await using var _ = app;
        var body = """
            {
                "payout_frequency": "monthly",
                "payout_day": 1,
                "min_payout": 50,
                "allow_early_requests": true,
                "auto_create_payouts": true
              }
            """;
        var response = await http.PutAsync("/api//v1/settings/payouts", new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("\"payout_frequency\":\"monthly\",\"payout_day\":1,\"min_payout\":50.00,\"allow_early_requests\":true,\"auto_create_payouts\":true", text);
        Assert.Equal(text, await (await http.GetAsync("/v1/settings/payouts")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_demo_seed_runs_once()
    {
        var (app, _) = await DemoAsync();
        await using var __ = app;
        await using var db = app.Db();
        Assert.Null(await DemoSeed.SeedIfEmptyAsync(db, app.Secrets, app.Clock.GetUtcNow().UtcDateTime));
    }
}
