using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Remit.Api;
using Remit.Data;
using Remit.Programs;

namespace Remit.Tests.Infrastructure;

/// <summary>Remit served in-process over a fresh real database, with a clock the test controls.</summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    public static readonly DateTimeOffset Start = new(2026, 3, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The test key ring: explicit, so no test ever writes a development key file.</summary>
    public const string KeyId = "test-1";
    public static readonly string Key = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public FakeTimeProvider Clock { get; } = new(Start);
    public required TestDatabase Database { get; init; }
    /// <summary>False for a second app on another's database (a restart): the first one's owner drops it.</summary>
    public bool OwnsDatabase { get; init; } = true;
    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>Every line this app logged (also in the process's app.log).</summary>
    public ConcurrentQueue<string> Logs { get; } = new();

    public static async Task<TestApp> StartAsync(Action<TestApp>? configure = null)
    {
        var app = new TestApp { Database = await TestDatabase.CreateAsync() };
        configure?.Invoke(app);
        return app;
    }

    static TestApp()
    {
        // Each test starts its own host: a file watcher on appsettings.json per host is only cost (nothing edits them).
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Development validates every service registration at each build; one test host per test makes that the
        // suite's largest cost. HostingTests start Remit in Development as a user does, which still validates it.
        builder.UseDefaultServiceProvider(o => { o.ValidateOnBuild = false; o.ValidateScopes = true; });
        builder.UseSetting("ConnectionStrings:Remit", Database.ConnectionString);
        builder.UseSetting("Remit:Database:Provider", TestDatabase.Provider);
        builder.UseSetting("Remit:Demo:Seed", "false");
        builder.UseSetting($"Remit:Encryption:Keys:{KeyId}", Key);
        builder.UseSetting("Remit:Encryption:ActiveKeyId", KeyId);
        // The scheduler would run the schedule behind a test's back; tests call it (or switch it on) themselves.
        builder.UseSetting("Remit:Schedule:Enabled", "false");
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            services.AddTransient<IStartupFilter, TestLog.SecretRecording>();
            services.AddLogging(logging =>
            {
                logging.AddProvider(new TestLogProvider(Logs));
                // Remit's own lines in full; the framework's at Information. EF's SQL (Information) would bury the
                // rest, and it shows parameters as '?' anyway: Remit never enables sensitive data logging.
                logging.AddFilter<TestLogProvider>(null, LogLevel.Information);
                logging.AddFilter<TestLogProvider>("Remit", LogLevel.Debug);
                logging.AddFilter<TestLogProvider>("Microsoft.EntityFrameworkCore", LogLevel.Warning);
            });
        });
    }

    public RemitDb Db(long programId = 0) => Database.Open(programId);

    public Remit.Security.SecretBox Secrets => Services.GetRequiredService<Remit.Security.SecretBox>();

    /// <summary>A new program (tenant) and a token for it with the given scopes (all by default).</summary>
    public async Task<Tenant> NewProgramAsync(string plan = Plans.Basic, string[]? scopes = null, string currency = "USD", string timeZone = "UTC", string name = "Acme")
    {
        await using var db = Db();
        var program = await ProgramAdmin.CreateProgramAsync(db, name, plan, currency, timeZone, Clock.GetUtcNow().UtcDateTime);
        var (_, secret) = await ProgramAdmin.CreateTokenAsync(db, program.Id, "test", scopes ?? Scopes.All, null, Clock.GetUtcNow().UtcDateTime);
        TestLog.RecordSecret("API token", secret);
        return new Tenant(this, program.Id, secret);
    }

    public async Task<string> TokenAsync(long programId, params string[] scopes)
    {
        await using var db = Db();
        var (_, secret) = await ProgramAdmin.CreateTokenAsync(db, programId, "scoped", scopes, null, Clock.GetUtcNow().UtcDateTime);
        TestLog.RecordSecret("API token", secret);
        return secret;
    }

    public HttpClient ClientWith(string? token)
    {
        // Every API answer is checked against the OpenAPI document (no redirects followed; cookies kept, as CreateClient does).
        var client = CreateDefaultClient(new Uri("http://localhost"), new OpenApiContractHandler(), new CookieContainerHandler());
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (OwnsDatabase) await Database.DisposeAsync();
    }
}

/// <summary>One program as its API client sees it, with shortcuts for arranging data through the API.</summary>
public sealed class Tenant(TestApp app, long programId, string token)
{
    public long ProgramId => programId;
    public string Token => token;
    public HttpClient Http { get; } = app.ClientWith(token);

    public async Task<long> AffiliateAsync(string name = "Ada Lovelace", string? email = null, string method = "paypal")
    {
        email ??= $"{Guid.NewGuid():N}@example.com";
        var body = new JsonObject { ["name"] = name, ["email"] = email, ["country"] = "US", ["payout_method"] = method };
        if (method == "paypal") body["paypal_email"] = email;
        var response = await Http.PostAsJsonAsync("/v1/affiliates", body);
        return (await Api.ExpectAsync(response, 201))["data"]!["id"]!.GetValue<long>();
    }

    public async Task<long> CommissionAsync(long affiliateId, decimal amount, string? reference = null, DateTime? earnedAt = null)
    {
        var body = new JsonObject { ["affiliate_id"] = affiliateId, ["amount"] = amount, ["description"] = "Sale" };
        if (reference is not null) body["reference"] = reference;
        if (earnedAt is not null) body["earned_at"] = earnedAt.Value.ToString("O");
        var response = await Http.PostAsJsonAsync("/v1/commissions", body);
        return (await Api.ExpectAsync(response, 201))["data"]!["id"]!.GetValue<long>();
    }

    /// <summary>A manual payout of everything the affiliate has payable.</summary>
    public async Task<long> PayoutAsync(long affiliateId)
    {
        var response = await Http.PostAsJsonAsync("/v1/payouts", new { affiliate_id = affiliateId });
        return (await Api.ExpectAsync(response, 201))["data"]!["id"]!.GetValue<long>();
    }

    /// <summary>An affiliate with commissions of the given amounts, paid into one pending payout.</summary>
    public async Task<(long Affiliate, long Payout)> PendingPayoutAsync(params decimal[] amounts)
    {
        var affiliate = await AffiliateAsync();
        foreach (var amount in amounts.Length == 0 ? [100m] : amounts) await CommissionAsync(affiliate, amount);
        return (affiliate, await PayoutAsync(affiliate));
    }

    public Task<JsonNode> GetAsync(string url, int status = 200) => Api.GetAsync(Http, url, status);

    public async Task<JsonNode> PostAsync(string url, object? body = null, int status = 200) =>
        await Api.ExpectAsync(body is null ? await Http.PostAsync(url, null) : await Http.PostAsJsonAsync(url, body), status);
}

public static class Api
{
    public static async Task<JsonNode> ExpectAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    public static async Task<JsonNode> GetAsync(HttpClient http, string url, int status = 200) => await ExpectAsync(await http.GetAsync(url), status);

    /// <summary>Asserts the error envelope and its code; returns the error object.</summary>
    public static async Task<JsonNode> ErrorAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await ExpectAsync(response, status);
        Assert.Equal(code, body["error"]!["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(body["error"]!["message"]!.GetValue<string>()));
        Assert.NotNull(body["error"]!["details"]);
        return body["error"]!;
    }

    /// <summary>The raw JSON text of a number, to check "1250.00" rather than a parsed 1250.</summary>
    public static string Raw(JsonNode? node) => node!.ToJsonString();

    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);
}
