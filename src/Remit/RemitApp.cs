using Remit.Affiliates;
using Remit.Api;
using Remit.Batches;
using Remit.Commissions;
using Remit.Dashboard;
using Remit.Data;
using Remit.Payouts;
using Remit.Programs;
using Remit.Requests;
using Remit.Security;
using Remit.Settings;

namespace Remit;

/// <summary>The web application: services, middleware and endpoint groups, in the order a request meets them.</summary>
public static class RemitApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
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
        services.AddRemitApiAuth();
        services.Configure<RateLimitOptions>(builder.Configuration.GetSection("Remit:RateLimit"));
        services.AddSingleton<RateLimits>();
        services.ConfigureHttpJsonOptions(o => ApiJson.Configure(o.SerializerOptions));
        services.AddOpenApi();
        services.AddRemitSecrets(builder.Configuration);
        services.Configure<PayPalOptions>(builder.Configuration.GetSection("Remit:PayPal"));
        services.AddHttpClient<Remit.Payments.PayPal.PayPalClient>();
        services.AddScoped<PayPalPayouts>();
        services.AddSingleton<Payouts.StatementRenders>();
        services.AddRemitDashboard();

        var app = builder.Build();
        app.UseApiPrefix();
        app.UseApiJsonBodies();
        app.UseApiErrors();
        app.UseDashboardErrors();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseApiRateLimits();
        app.UseAuthorization();

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
        app.MapRemitDashboard();
        return app;
    }

    /// <summary>Migrates the schema and, on an empty database, seeds the demo program and prints how to use it.</summary>
    public static async Task PrepareAsync(WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RemitDb>();
        await Database.MigrateAsync(db);
        // Loaded now, not on first use: a missing or wrong key should stop the start, and a new dev key is announced here.
        var secrets = scope.ServiceProvider.GetRequiredService<SecretBox>();
        if (app.Configuration.GetValue("Remit:Demo:Seed", true))
        {
            var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
            var demo = await Demo.DemoSeed.SeedIfEmptyAsync(db, secrets, clock.GetUtcNow().UtcDateTime);
            if (demo is not null)
            {
                Console.WriteLine("Remit demo program created.");
                Console.WriteLine($"  Dashboard login: {demo.Email} / {demo.Password}");
                Console.WriteLine($"  API token:       {demo.Token}");
                Console.WriteLine("  (shown once; `remit tokens create` makes more)");
            }
        }
    }
}
