using Remit.Affiliates;
using Remit.Api;
using Remit.Batches;
using Remit.Commissions;
using Remit.Dashboard;
using Remit.Data;
using Remit.Hosting;
using Remit.Payments.PayPal;
using Remit.Payouts;
using Remit.Portal;
using Remit.Programs;
using Remit.Requests;
using Remit.Schedule;
using Remit.Security;
using Remit.Settings;
using Remit.Webhooks;
using Remit.Tax;
using Remit.Tax1099;

namespace Remit;

/// <summary>The web application: services, middleware and endpoint groups, in the order a request meets them.</summary>
public static class RemitApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = RemitHost.ContentRoot(args) });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
            builder.WebHost.UseUrls(DefaultUrl);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = Body.MaxBytes + 1;
        });

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddRemitDatabase(builder.Configuration);
        services.AddRemitHealthChecks();
        services.AddRemitForwardedHeaders(builder.Configuration);
        services.AddRemitTelemetry(builder.Configuration);
        services.AddRemitApiAuth();
        services.AddRemitRateLimits(builder.Configuration);
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.AddRemitOpenApi();
        services.AddRemitSecrets(builder.Configuration, builder.Environment);
        services.AddRemitSharedKeys();
        services.Configure<PayPalOptions>(builder.Configuration.GetSection("Remit:PayPal"));
        services.AddHttpClient<Remit.Payments.PayPal.PayPalClient>().AddPayPalResilience();
        services.AddScoped<PayPalPayouts>();
        services.AddRemitWebhooks(builder.Configuration);
        services.AddSingleton<Payouts.StatementRenders>();
        services.AddSingleton(Tax1099.NecThresholds.FromConfiguration(builder.Configuration));
        services.AddRemitSchedule(builder.Configuration);
        services.AddRemitDashboard(builder.Configuration, builder.Environment);
        services.AddRemitPortal(builder.Configuration, builder.Environment);

        var app = builder.Build();
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseApiPrefix();
        app.UseApiJsonBodies();
        app.UseApiErrors();
        app.UseDashboardErrors();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseApiRateLimits();
        app.UseAuthorization();
        app.UseApiIdempotency();

        app.MapRemitHealth();
        app.MapOpenApi();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.DocumentTitle = "Remit API reference";
            o.SwaggerEndpoint("/openapi/v1.json", "Remit API v1");
        });
        app.MapProgram();
        app.MapPayouts();
        app.MapRequests();
        app.MapAffiliates();
        app.MapCommissions();
        app.MapSettings();
        app.MapPaymentSettings();
        app.MapBatches();
        app.MapScheduleRuns();
        app.MapWebhooks();
        app.MapPortalLinks();
        app.MapTax();
        app.MapTax1099();
        app.MapRemitDashboard();
        return app;
    }

    /// <summary>
    /// Loads the encryption keys (a missing key stops the start here, not at first use), migrates the schema and, on
    /// an empty database when asked (by default in Development only), seeds the demo program. Says what it did in a
    /// few log lines: where the data is and, in Development only, the demo login and token.
    /// </summary>
    public static async Task PrepareAsync(WebApplication app)
    {
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Remit.Startup");
        await using var scope = app.Services.CreateAsyncScope();
        // Keys first: a start refused for a missing key has touched nothing.
        var secrets = scope.ServiceProvider.GetRequiredService<SecretBox>();
        var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
        await Database.MigrateAsync(db);
        log.LogInformation("Database {Database}: schema up to date", Database.Describe(db));
        if (!app.Configuration.GetValue("Remit:Demo:Seed", app.Environment.IsDevelopment())) return;
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var demo = await Demo.DemoSeed.SeedIfEmptyAsync(db, secrets, clock.GetUtcNow().UtcDateTime);
        if (demo is null) return;
        if (app.Environment.IsDevelopment())
            log.LogInformation("Demo program {ProgramId} created. Dashboard login: {Email} / {Password}  API token: {Token}  (shown once; `remit tokens create` makes more)",
                demo.ProgramId, demo.Email, demo.Password, demo.Token);
        else
            // A production log is kept and shipped: its password and token are never written; the operator makes their own.
            log.LogInformation("Demo program {ProgramId} created; its login and token are shown only in Development. Make a user with `remit users create --program {ProgramId} --email EMAIL` (password on stdin) and a token with `remit tokens create --program {ProgramId} --name NAME --scopes SCOPES`",
                demo.ProgramId, demo.ProgramId, demo.ProgramId);
    }
}
