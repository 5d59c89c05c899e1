using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Remit.Api;
using Remit.Programs;
using Remit.Tests.Infrastructure;

namespace Remit.Tests.Api;

using Api = Remit.Tests.Infrastructure.Api;

/// <summary>
/// Every endpoint refuses a request without a usable token (401) and a token without its scope (403), in the
/// seed's error envelope. The list is every route the app maps: the seed's fifteen and the API beyond the seed.
/// One host for the class, a program per test. The anonymous rate limit counts on the test clock, which every case
/// of the endpoint theory moves on by days, so each case's few anonymous requests fall in a window of their own.
/// </summary>
public sealed class AuthTests(SharedApp shared) : IClassFixture<SharedApp>
{
    public static TheoryData<string, string, string> Endpoints => new()
    {
        // The seed's fifteen.
        { "GET", "/v1/payouts", Scopes.PayoutsRead },
        { "GET", "/v1/payouts/stats", Scopes.PayoutsRead },
        { "GET", "/v1/payouts/requests", Scopes.PayoutsRead },
        { "GET", "/v1/payouts/export", Scopes.PayoutsRead },
        { "GET", "/v1/payouts/1", Scopes.PayoutsRead },
        { "GET", "/v1/payouts/1/statement", Scopes.PayoutsRead },
        { "POST", "/v1/payouts/1/processing", Scopes.PayoutsWrite },
        { "POST", "/v1/payouts/1/complete", Scopes.PayoutsWrite },
        { "POST", "/v1/payouts/1/fail", Scopes.PayoutsWrite },
        { "POST", "/v1/payouts/bulk-processing", Scopes.PayoutsWrite },
        { "POST", "/v1/payouts/bulk-complete", Scopes.PayoutsWrite },
        { "POST", "/v1/payouts/requests/1/approve", Scopes.PayoutsWrite },
        { "POST", "/v1/payouts/requests/1/reject", Scopes.PayoutsWrite },
        { "GET", "/v1/settings/payouts", Scopes.SettingsRead },
        { "PUT", "/v1/settings/payouts", Scopes.SettingsWrite },
        // The API beyond the seed.
        { "GET", "/v1/affiliates", Scopes.AffiliatesRead },
        { "GET", "/v1/affiliates/1", Scopes.AffiliatesRead },
        { "POST", "/v1/affiliates", Scopes.AffiliatesWrite },
        { "PATCH", "/v1/affiliates/1", Scopes.AffiliatesWrite },
        { "GET", "/v1/commissions", Scopes.CommissionsRead },
        { "GET", "/v1/commissions/1", Scopes.CommissionsRead },
        { "POST", "/v1/commissions", Scopes.CommissionsWrite },
        { "POST", "/v1/commissions/1/void", Scopes.CommissionsWrite },
        { "POST", "/v1/commissions/1/claw-back", Scopes.CommissionsWrite },
        { "POST", "/v1/payouts", Scopes.PayoutsWrite },
        { "GET", "/v1/payouts/requests/1", Scopes.PayoutsRead },
        { "POST", "/v1/payouts/requests", Scopes.PayoutsWrite },
        // Money movement.
        { "PUT", "/v1/affiliates/1/payout-method", Scopes.AffiliatesWrite },
        { "GET", "/v1/settings/ach", Scopes.SettingsRead },
        { "PUT", "/v1/settings/ach", Scopes.SettingsWrite },
        { "GET", "/v1/settings/paypal", Scopes.SettingsRead },
        { "PUT", "/v1/settings/paypal", Scopes.SettingsWrite },
        { "GET", "/v1/webhook-endpoints", Scopes.SettingsRead },
        { "GET", "/v1/webhook-endpoints/1", Scopes.SettingsRead },
        { "POST", "/v1/webhook-endpoints", Scopes.SettingsWrite },
        { "PATCH", "/v1/webhook-endpoints/1", Scopes.SettingsWrite },
        { "DELETE", "/v1/webhook-endpoints/1", Scopes.SettingsWrite },
        { "POST", "/v1/webhook-endpoints/1/rotate-secret", Scopes.SettingsWrite },
        { "GET", "/v1/webhook-endpoints/1/deliveries", Scopes.SettingsRead },
        { "POST", "/v1/webhook-deliveries/1/replay", Scopes.SettingsWrite },
        { "GET", "/v1/payout-batches", Scopes.PayoutsRead },
        { "GET", "/v1/payout-batches/1", Scopes.PayoutsRead },
        { "GET", "/v1/payout-batches/1/file", Scopes.PayoutsWrite },
        { "POST", "/v1/payout-batches", Scopes.PayoutsWrite },
        { "POST", "/v1/payout-batches/1/complete", Scopes.PayoutsWrite },
        { "POST", "/v1/payout-batches/1/send", Scopes.PayoutsWrite },
        { "POST", "/v1/payout-batches/1/approve", Scopes.PayoutsWrite },
        { "POST", "/v1/payout-batches/1/sync", Scopes.PayoutsWrite },
        { "POST", "/v1/payouts/1/return", Scopes.PayoutsWrite },
        // The portal.
        { "POST", "/v1/affiliates/1/portal-link", Scopes.AffiliatesWrite },
        { "POST", "/v1/affiliates/1/payout-details/confirm", Scopes.AffiliatesWrite },
        // Tax forms.
        { "GET", "/v1/affiliates/1/tax-forms", Scopes.TaxRead },
        { "POST", "/v1/affiliates/1/tax-forms", Scopes.TaxWrite },
        { "GET", "/v1/tax-forms/1/pdf", Scopes.TaxRead },
        { "GET", "/v1/settings/tax", Scopes.SettingsRead },
        { "PUT", "/v1/settings/tax", Scopes.SettingsWrite },
        { "GET", "/v1/tax/tin-matching", Scopes.TaxRead },
        { "POST", "/v1/tax/tin-matching/results", Scopes.TaxWrite },
        // 1099-NEC.
        { "GET", "/v1/tax/1099-nec/2026", Scopes.TaxRead },
        { "GET", "/v1/tax/1099-nec/2026/iris.csv", Scopes.TaxRead },
        { "GET", "/v1/tax/1099-nec/2026/iris.xml", Scopes.TaxRead },
        { "GET", "/v1/tax/1099-nec/2026/copy-b/1", Scopes.TaxRead },
        { "POST", "/v1/tax/1099-nec/2026/filed", Scopes.TaxWrite },
        // Automation.
        { "GET", "/v1/schedule-runs", Scopes.PayoutsRead },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_endpoint_needs_a_live_token_holding_its_scope(string method, string path, string scope)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        // No Authorization header at all.
        await Unauthorized(await SendAsync(app, method, path, null));

        // Malformed or unknown tokens.
        await Unauthorized(await SendAsync(app, method, path, "Bearer " + ApiToken.NewSecret()));
        await Unauthorized(await SendAsync(app, method, path, "Bearer not-a-token"));
        await Unauthorized(await SendAsync(app, method, path, "Bearer " + new string('x', 500)));
        await Unauthorized(await SendAsync(app, method, path, "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("user:pass"))));
        await Unauthorized(await SendAsync(app, method, path, "Bearer " + t.Token[..^1] + (t.Token[^1] == 'A' ? 'B' : 'A')));

        // A revoked token, even one holding every scope.
        var (revokedId, revoked) = await CreateTokenAsync(app, t.ProgramId, Scopes.All);
        await Allowed(await SendAsync(app, method, path, "Bearer " + revoked));
        await using (var db = app.Db())
            await ProgramAdmin.RevokeTokenAsync(db, t.ProgramId, revokedId, app.Clock.GetUtcNow().UtcDateTime);
        // Revoked behind the app's back (as the CLI or another server does): refused once this process's cached
        // lookup of it ends.
        app.Clock.Advance(TokenCache.Lifetime);
        await Unauthorized(await SendAsync(app, method, path, "Bearer " + revoked));

        // Every scope except the one the endpoint needs: a write scope does not grant read, nor read write.
        var others = Scopes.All.Where(s => s != scope).ToArray();
        await Forbidden(await SendAsync(app, method, path, "Bearer " + await app.TokenAsync(t.ProgramId, others)));

        // The required scope alone is enough to get past authentication and authorization.
        await Allowed(await SendAsync(app, method, path, "Bearer " + await app.TokenAsync(t.ProgramId, scope)));

        // An expired token: good for a day, refused after two.
        var (_, expiring) = await CreateTokenAsync(app, t.ProgramId, Scopes.All, expiresInDays: 1);
        await Allowed(await SendAsync(app, method, path, "Bearer " + expiring));
        app.Clock.Advance(TimeSpan.FromDays(2));
        await Unauthorized(await SendAsync(app, method, path, "Bearer " + expiring));
        // ...while a token without expiry still works at that time.
        await Allowed(await SendAsync(app, method, path, "Bearer " + t.Token));
    }

    [Theory]
    [InlineData(Scopes.PayoutsRead)]
    [InlineData(Scopes.PayoutsWrite)]
    [InlineData(Scopes.SettingsRead)]
    [InlineData(Scopes.SettingsWrite)]
    [InlineData(Scopes.AffiliatesRead)]
    [InlineData(Scopes.AffiliatesWrite)]
    [InlineData(Scopes.CommissionsRead)]
    [InlineData(Scopes.CommissionsWrite)]
    [InlineData(Scopes.TaxRead)]
    [InlineData(Scopes.TaxWrite)]
    public async Task Program_answers_any_valid_token_whatever_its_scope(string scope)
    {
        var app = shared.App;
        var t = await app.NewProgramAsync(plan: Plans.Basic, timeZone: "Europe/Paris", name: "Scoped Shop");
        var token = await app.TokenAsync(t.ProgramId, scope);

        var response = await SendAsync(app, "GET", "/v1/program", "Bearer " + token);
        var data = (await Api.ExpectAsync(response, 200))["data"]!;
        Assert.Equal(t.ProgramId, data["id"]!.GetValue<long>());
        Assert.Equal("Scoped Shop", data["name"]!.GetValue<string>());
        Assert.Equal("basic", data["plan"]!.GetValue<string>());
        Assert.Equal("USD", data["currency"]!.GetValue<string>());
        Assert.Equal("Europe/Paris", data["time_zone"]!.GetValue<string>());
        Assert.Equal(["paypal", "bank"], data["payout_methods"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task Program_refuses_missing_unknown_revoked_and_expired_tokens()
    {
        var app = shared.App;
        var t = await app.NewProgramAsync();

        await Unauthorized(await SendAsync(app, "GET", "/v1/program", null));
        await Unauthorized(await SendAsync(app, "GET", "/v1/program", "Bearer " + ApiToken.NewSecret()));

        var (revokedId, revoked) = await CreateTokenAsync(app, t.ProgramId, [Scopes.PayoutsRead]);
        await Api.ExpectAsync(await SendAsync(app, "GET", "/v1/program", "Bearer " + revoked), 200);
        await using (var db = app.Db())
            await ProgramAdmin.RevokeTokenAsync(db, t.ProgramId, revokedId, app.Clock.GetUtcNow().UtcDateTime);
        app.Clock.Advance(TokenCache.Lifetime);
        await Unauthorized(await SendAsync(app, "GET", "/v1/program", "Bearer " + revoked));

        var (_, expiring) = await CreateTokenAsync(app, t.ProgramId, [Scopes.PayoutsRead], expiresInDays: 1);
        await Api.ExpectAsync(await SendAsync(app, "GET", "/v1/program", "Bearer " + expiring), 200);
        app.Clock.Advance(TimeSpan.FromDays(2));
        await Unauthorized(await SendAsync(app, "GET", "/v1/program", "Bearer " + expiring));
    }

    [Fact]
    public async Task A_token_answers_for_its_own_program_only()
    {
        var app = shared.App;
        var a = await app.NewProgramAsync(name: "Alpha");
        var b = await app.NewProgramAsync(name: "Beta");

        var alpha = await a.GetAsync("/v1/program");
        var beta = await b.GetAsync("/v1/program");
        Assert.Equal("Alpha", alpha["data"]!["name"]!.GetValue<string>());
        Assert.Equal(a.ProgramId, alpha["data"]!["id"]!.GetValue<long>());
        Assert.Equal("Beta", beta["data"]!["name"]!.GetValue<string>());
        Assert.Equal(b.ProgramId, beta["data"]!["id"]!.GetValue<long>());
    }

    private static async Task<(long Id, string Secret)> CreateTokenAsync(TestApp app, long programId, string[] scopes, int? expiresInDays = null)
    {
        await using var db = app.Db();
        var (token, secret) = await ProgramAdmin.CreateTokenAsync(db, programId, "auth-test", scopes, expiresInDays, app.Clock.GetUtcNow().UtcDateTime);
        return (token.Id, secret);
    }

    private static async Task<HttpResponseMessage> SendAsync(TestApp app, string method, string path, string? authorization)
    {
        using var client = app.ClientWith(null);
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (authorization is not null) request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (method is "POST" or "PUT" or "PATCH")
            request.Content = new StringContent("{}", Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static async Task Unauthorized(HttpResponseMessage response) => await Envelope(response, 401, ErrorCodes.Unauthorized);

    private static async Task Forbidden(HttpResponseMessage response) => await Envelope(response, 403, ErrorCodes.Forbidden);

    private static async Task Envelope(HttpResponseMessage response, int status, string code)
    {
        var error = await Api.ErrorAsync(response, status, code);
        Assert.IsType<JsonArray>(error["details"]);
        Assert.Equal(["code", "details", "message"], error.AsObject().Select(p => p.Key).Order());
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
    }

    /// <summary>Past authentication and authorization: whatever the endpoint makes of the request, it is not 401 or 403.</summary>
    private static async Task Allowed(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        Assert.True(status is not (401 or 403) && status < 500,
            $"Expected the request to be let through, got {status}: {await response.Content.ReadAsStringAsync()}");
    }
}
