using System.Net.Http.Json;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Payments;

using Api = Remit.Tests.Infrastructure.Api;

public sealed class PaymentSettingsTests
{
    [Fact]
    public async Task Ach_settings_are_validated_against_the_nacha_fields_and_merged()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("basic");
        var empty = (await t.GetAsync("/v1/settings/ach"))["data"]!;
        Assert.False(empty["complete"]!.GetValue<bool>());
        Assert.Equal("PAYOUT", empty["entry_description"]!.GetValue<string>());

        async Task<string> FieldOf(object body) =>
            (await Api.ErrorAsync(await t.Http.PutAsJsonAsync("/v1/settings/ach", body), 422, "VALIDATION_ERROR"))["details"]![0]!["field"]!.GetValue<string>();
        Assert.Equal("odfi_routing", await FieldOf(new { odfi_routing = "121042883" }));
        Assert.Equal("company_name", await FieldOf(new { company_name = "Seventeen chars!!" }));
        Assert.Equal("company_id", await FieldOf(new { company_id = "12345 6789" }));
        Assert.Equal("immediate_destination", await FieldOf(new { immediate_destination = "12345" }));
        Assert.Equal("entry_description", await FieldOf(new { entry_description = "COMMISSIONS" }));
        Assert.Equal("immediate_origin_name", await FieldOf(new { immediate_origin_name = "Ünïcode Bank" }));
        Assert.Equal("colour", await FieldOf(new { colour = "red" }));

        await t.SetAchAsync();
        var partial = (await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/ach", new { company_name = "Other Co" }), 200))["data"]!;
        Assert.Equal("Other Co", partial["company_name"]!.GetValue<string>());
        Assert.Equal("121042882", partial["odfi_routing"]!.GetValue<string>());
        Assert.True(partial["complete"]!.GetValue<bool>());
        // A 10-character destination exactly as a bank assigned it is accepted.
        await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/ach", new { immediate_origin = "1234567890" }), 200);
    }

    [Fact]
    public async Task The_paypal_secret_is_write_only_and_the_base_url_comes_from_server_configuration()
    {
        await using var app = await TestApp.StartAsync(a => a.Settings["Remit:PayPal:LiveBaseUrl"] = "https://paypal.test.invalid/");
        var t = await app.NewProgramAsync("basic");
        var saved = (await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/paypal",
            new { client_id = "AbC", client_secret = "s3cr3t-value", environment = "live", webhook_id = "WH-1" }), 200))["data"]!;
        Assert.DoesNotContain("s3cr3t-value", saved.ToJsonString());
        Assert.True(saved["client_secret_set"]!.GetValue<bool>());
        Assert.Equal("https://paypal.test.invalid/", saved["base_url"]!.GetValue<string>());
        var got = (await t.GetAsync("/v1/settings/paypal"))["data"]!;
        Assert.Equal("AbC", got["client_id"]!.GetValue<string>());
        Assert.Equal("WH-1", got["webhook_id"]!.GetValue<string>());
        Assert.Null(got["client_secret"]);

        await Api.ErrorAsync(await t.Http.PutAsJsonAsync("/v1/settings/paypal", new { environment = "production" }), 422, "VALIDATION_ERROR");
        // No merchant can choose the host: a base_url field is unknown.
        await Api.ErrorAsync(await t.Http.PutAsJsonAsync("/v1/settings/paypal", new { base_url = "https://evil.example" }), 422, "VALIDATION_ERROR");
        var sandbox = (await Api.ExpectAsync(await t.Http.PutAsJsonAsync("/v1/settings/paypal", new { environment = "sandbox" }), 200))["data"]!;
        Assert.Equal("https://api-m.sandbox.paypal.com/", sandbox["base_url"]!.GetValue<string>());
        Assert.True(sandbox["client_secret_set"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Settings_need_their_scopes()
    {
        await using var app = await TestApp.StartAsync();
        var t = await app.NewProgramAsync("basic");
        var reader = app.ClientWith(await app.TokenAsync(t.ProgramId, "settings:read"));
        Assert.Equal(200, (int)(await reader.GetAsync("/v1/settings/ach")).StatusCode);
        await Api.ErrorAsync(await reader.PutAsJsonAsync("/v1/settings/paypal", new { client_id = "x" }), 403, "FORBIDDEN");
        await Api.ErrorAsync(await app.ClientWith(null).GetAsync("/v1/settings/paypal"), 401, "UNAUTHORIZED");
    }
}
