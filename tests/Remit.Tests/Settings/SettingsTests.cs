using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Remit.Tests.Settings;

using Remit.Tests.Infrastructure;

/// <summary>
/// GET and PUT /v1/settings/payouts. One host for the class, a program per test: settings are per program, and
/// commissions are dated from the clock as it stands, which an earlier test of the class may have moved on.
/// </summary>
public sealed class SettingsTests(SharedApp shared) : IClassFixture<SharedApp>
{
    private const string Url = "/v1/settings/payouts";

    private static Task<HttpResponseMessage> PutRawAsync(Tenant t, string json) =>
        t.Http.PutAsync(Url, new StringContent(json, Encoding.UTF8, "application/json"));

    private static async Task<JsonNode> PutOkAsync(Tenant t, string json) =>
        (await Api.ExpectAsync(await PutRawAsync(t, json), 200))["data"]!;

    private static async Task<JsonNode> PutInvalidAsync(Tenant t, string json, string field)
    {
        var error = await Api.ErrorAsync(await PutRawAsync(t, json), 422, "VALIDATION_ERROR");
        var fields = error["details"]!.AsArray().Select(d => d!["field"]!.GetValue<string>()).ToList();
        Assert.Contains(field, fields);
        return error;
    }

    [Fact]
    public async Task Defaults_are_monthly_on_day_1_with_a_50_minimum_and_everything_off()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        var data = (await t.GetAsync(Url))["data"]!;

        Assert.Equal("monthly", data["payout_frequency"]!.GetValue<string>());
        Assert.Equal(1, data["payout_day"]!.GetValue<int>());
        Assert.Equal("50.00", Api.Raw(data["min_payout"]));
        Assert.False(data["allow_early_requests"]!.GetValue<bool>());
        Assert.False(data["auto_create_payouts"]!.GetValue<bool>());
        Assert.Equal(0, data["hold_days"]!.GetValue<int>());
    }

    [Fact]
    public async Task Put_of_the_seeds_example_answers_200_with_the_merged_settings_and_keeps_them()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await PutOkAsync(t, """{"hold_days": 4, "payout_frequency": "weekly", "payout_day": 3}""");

        var data = await PutOkAsync(t, """
            {
              "payout_frequency": "monthly",
              "payout_day": 1,
              "min_payout": 50,
              "allow_early_requests": true,
              "auto_create_payouts": true
            }
            """);

        Assert.Equal("monthly", data["payout_frequency"]!.GetValue<string>());
        Assert.Equal(1, data["payout_day"]!.GetValue<int>());
        Assert.Equal("50.00", Api.Raw(data["min_payout"]));
        Assert.True(data["allow_early_requests"]!.GetValue<bool>());
        Assert.True(data["auto_create_payouts"]!.GetValue<bool>());
        Assert.Equal(4, data["hold_days"]!.GetValue<int>()); // not in the body: kept
        Assert.Equal(data.ToJsonString(), (await t.GetAsync(Url))["data"]!.ToJsonString());
    }

    [Fact]
    public async Task Put_of_a_subset_keeps_the_other_fields()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        await PutOkAsync(t, """{"hold_days": 3}""");
        await PutOkAsync(t, """{"min_payout": 12.5}""");
        await PutOkAsync(t, """{"allow_early_requests": true}""");
        var data = (await t.GetAsync(Url))["data"]!;

        Assert.Equal(3, data["hold_days"]!.GetValue<int>());
        Assert.Equal("12.50", Api.Raw(data["min_payout"]));
        Assert.True(data["allow_early_requests"]!.GetValue<bool>());
        Assert.False(data["auto_create_payouts"]!.GetValue<bool>());
        Assert.Equal("monthly", data["payout_frequency"]!.GetValue<string>());
        Assert.Equal(1, data["payout_day"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"payout_frequency": "weekly", "payout_day": 8}""", "payout_day")]
    [InlineData("""{"payout_frequency": "biweekly", "payout_day": 0}""", "payout_day")]
    [InlineData("""{"payout_frequency": "monthly", "payout_day": 29}""", "payout_day")]
    [InlineData("""{"payout_day": 0}""", "payout_day")]
    [InlineData("""{"payout_frequency": "daily"}""", "payout_frequency")]
    [InlineData("""{"min_payout": -1}""", "min_payout")]
    [InlineData("""{"min_payout": -0.01}""", "min_payout")]
    [InlineData("""{"min_payout": 10.005}""", "min_payout")]
    [InlineData("""{"min_payout": 79228162514264337593543950335}""", "min_payout")]
    [InlineData("""{"hold_days": -1}""", "hold_days")]
    [InlineData("""{"hold_days": 366}""", "hold_days")]
    [InlineData("""{"payout_day": "3"}""", "payout_day")]
    [InlineData("""{"payout_day": 2.5}""", "payout_day")]
    [InlineData("""{"allow_early_requests": "yes"}""", "allow_early_requests")]
    [InlineData("""{"auto_create_payouts": 1}""", "auto_create_payouts")]
    [InlineData("""{"min_payout": "50"}""", "min_payout")]
    [InlineData("""{"payout_frequency": 7}""", "payout_frequency")]
    [InlineData("""{"hold_days": null}""", "hold_days")]
    public async Task Invalid_settings_are_422_naming_the_field(string body, string field)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        await PutInvalidAsync(t, body, field);
    }

    [Fact]
    public async Task An_unknown_field_is_422_naming_it()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        var error = await PutInvalidAsync(t, """{"hold_days": 2, "payout_dya": 3}""", "payout_dya");

        Assert.Contains("payout_dya", error.ToJsonString());
        Assert.Equal(0, (await t.GetAsync(Url))["data"]!["hold_days"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"monthly\"")]
    [InlineData("42")]
    [InlineData("null")]
    [InlineData("{\"payout_day\": ")]
    public async Task A_body_that_is_not_a_json_object_is_422(string body)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        await Api.ErrorAsync(await PutRawAsync(t, body), 422, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task The_merged_result_is_validated_as_a_whole()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        await PutOkAsync(t, """{"payout_day": 28}""");
        // 28 is a valid day of the month but not an ISO weekday: switching to weekly alone is refused.
        await PutInvalidAsync(t, """{"payout_frequency": "weekly"}""", "payout_day");
        var data = await PutOkAsync(t, """{"payout_frequency": "biweekly", "payout_day": 7}""");
        Assert.Equal("biweekly", data["payout_frequency"]!.GetValue<string>());
        Assert.Equal(7, data["payout_day"]!.GetValue<int>());
        // Back to monthly keeps day 7, which is a valid day of the month.
        data = await PutOkAsync(t, """{"payout_frequency": "monthly"}""");
        Assert.Equal(7, data["payout_day"]!.GetValue<int>());
        // And a day above 7 is refused while the frequency is weekly.
        await PutOkAsync(t, """{"payout_frequency": "weekly", "payout_day": 1}""");
        await PutInvalidAsync(t, """{"payout_day": 15}""", "payout_day");
    }

    [Fact]
    public async Task Boundaries_that_are_allowed()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        var data = await PutOkAsync(t, """{"min_payout": 0, "hold_days": 365, "payout_day": 28}""");
        Assert.Equal("0.00", Api.Raw(data["min_payout"]));
        Assert.Equal(365, data["hold_days"]!.GetValue<int>());
        Assert.Equal(28, data["payout_day"]!.GetValue<int>());
        data = await PutOkAsync(t, """{"min_payout": 1234.5, "hold_days": 0}""");
        Assert.Equal("1234.50", Api.Raw(data["min_payout"]));
        Assert.Equal(0, data["hold_days"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_rejected_put_changes_nothing()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var before = await PutOkAsync(t, """{"payout_frequency": "weekly", "payout_day": 5, "min_payout": 75, "hold_days": 10}""");

        // Valid fields next to an invalid one are not applied either.
        await PutInvalidAsync(t, """{"min_payout": 20, "allow_early_requests": true, "hold_days": 2, "payout_day": 9}""", "payout_day");
        await PutInvalidAsync(t, """{"auto_create_payouts": true, "min_payout": 1.999}""", "min_payout");
        await PutInvalidAsync(t, """{"hold_days": 1, "colour": "red"}""", "colour");

        var after = (await t.GetAsync(Url))["data"]!;
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        Assert.Equal("75.00", Api.Raw(after["min_payout"]));
        Assert.Equal(10, after["hold_days"]!.GetValue<int>());
        Assert.False(after["allow_early_requests"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Settings_are_per_program()
    {
        var app = shared.App;
        var a = await app.NewProgramAsync();
        var b = await app.NewProgramAsync(name: "Other");

        await PutOkAsync(a, """{"hold_days": 30, "min_payout": 5}""");

        var other = (await b.GetAsync(Url))["data"]!;
        Assert.Equal(0, other["hold_days"]!.GetValue<int>());
        Assert.Equal("50.00", Api.Raw(other["min_payout"]));
    }

    [Fact]
    public async Task Hold_days_applies_to_commissions_already_earned()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        var affiliate = await t.AffiliateAsync();
        var commission = await t.CommissionAsync(affiliate, 80m, earnedAt: app.Clock.GetUtcNow().UtcDateTime.AddDays(-2));

        Assert.Equal("approved", (await t.GetAsync($"/v1/commissions/{commission}"))["data"]!["status"]!.GetValue<string>());
        var a = (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!;
        Assert.Equal("80.00", Api.Raw(a["balance"]));
        Assert.Equal("0.00", Api.Raw(a["pending_balance"]));

        await PutOkAsync(t, """{"hold_days": 5}""");

        Assert.Equal("pending", (await t.GetAsync($"/v1/commissions/{commission}"))["data"]!["status"]!.GetValue<string>());
        a = (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!;
        Assert.Equal("0.00", Api.Raw(a["balance"]));
        Assert.Equal("80.00", Api.Raw(a["pending_balance"]));
        var pending = await t.GetAsync("/v1/commissions?status=pending");
        Assert.Equal(commission, pending["data"]![0]!["id"]!.GetValue<long>());
        Assert.Empty((await t.GetAsync("/v1/commissions?status=approved"))["data"]!.AsArray());
        // Nothing payable now, so a manual payout is refused.
        await Api.ErrorAsync(await t.Http.PostAsJsonAsync("/v1/payouts", new { affiliate_id = affiliate }), 422, "VALIDATION_ERROR");

        // Earned 2 days ago + 5 days of hold: payable 3 days from now.
        app.Clock.Advance(TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1));
        Assert.Equal("pending", (await t.GetAsync($"/v1/commissions/{commission}"))["data"]!["status"]!.GetValue<string>());
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal("approved", (await t.GetAsync($"/v1/commissions/{commission}"))["data"]!["status"]!.GetValue<string>());
        a = (await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!;
        Assert.Equal("80.00", Api.Raw(a["balance"]));
        Assert.Equal("0.00", Api.Raw(a["pending_balance"]));
    }

    [Fact]
    public async Task Lowering_hold_days_releases_commissions_at_once()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();
        await PutOkAsync(t, """{"hold_days": 30}""");
        var affiliate = await t.AffiliateAsync();
        var commission = await t.CommissionAsync(affiliate, 19.99m, earnedAt: app.Clock.GetUtcNow().UtcDateTime.AddDays(-10));
        Assert.Equal("pending", (await t.GetAsync($"/v1/commissions/{commission}"))["data"]!["status"]!.GetValue<string>());
        Assert.Equal("19.99", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["pending_balance"]));

        await PutOkAsync(t, """{"hold_days": 0}""");

        Assert.Equal("approved", (await t.GetAsync($"/v1/commissions/{commission}"))["data"]!["status"]!.GetValue<string>());
        Assert.Equal("19.99", Api.Raw((await t.GetAsync($"/v1/affiliates/{affiliate}"))["data"]!["balance"]));
    }
}
